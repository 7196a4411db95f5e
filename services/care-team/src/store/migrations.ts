import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '@peerbridge/shared';

/** The care-team service's own tables (roster index, referral projection, care teams, assignments). */
export const CARE_TEAM_MIGRATIONS: MigrationSet = {
  name: 'care_team',
  directory: fileURLToPath(new URL('../../migrations', import.meta.url)),
};
