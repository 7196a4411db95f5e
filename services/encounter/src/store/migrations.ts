import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '@peerbridge/shared';

/** The encounter service's own tables (care-team view, sessions). */
export const ENCOUNTER_MIGRATIONS: MigrationSet = {
  name: 'encounter',
  directory: fileURLToPath(new URL('../../migrations', import.meta.url)),
};
