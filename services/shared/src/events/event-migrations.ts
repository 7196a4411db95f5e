import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '../db/migrate.js';

/** The outbox and the consumers' bookkeeping; each service applies them in its own schema. */
export const EVENT_MIGRATIONS: MigrationSet = {
  name: 'events',
  directory: fileURLToPath(new URL('../../migrations/events', import.meta.url)),
};
