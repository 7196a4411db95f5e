import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '@peerbridge/shared';

/** The referral service's own tables (referrals, transitions, outbox). */
export const REFERRAL_MIGRATIONS: MigrationSet = {
  name: 'referral',
  directory: fileURLToPath(new URL('../../migrations', import.meta.url)),
};
