import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '../db/migrate.js';

/** The table of Idempotency-Keys (idempotent_request); each service applies it in its own schema. */
export const IDEMPOTENCY_KEY_MIGRATIONS: MigrationSet = {
  name: 'idempotency_keys',
  directory: fileURLToPath(new URL('../../migrations/idempotency-keys', import.meta.url)),
};
