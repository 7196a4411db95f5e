import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '@peerbridge/shared';

/** The ehr-integration service's own tables (intake cursors and intake records). */
export const EHR_INTEGRATION_MIGRATIONS: MigrationSet = {
  name: 'ehr_integration',
  directory: fileURLToPath(new URL('../../migrations', import.meta.url)),
};
