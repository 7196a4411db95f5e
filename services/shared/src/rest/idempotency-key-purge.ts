import type { Queryable } from '../db/database.js';
import type { Logger } from '../logging/logger.js';
import type { IdempotencyKeys } from './idempotency-keys.js';

/** A job the host runs on a schedule (a pg-boss schedule and worker): a name, a cron, the work. */
export interface ScheduledJob {
  /** Unique across services, a valid pg-boss queue name. */
  readonly name: string;
  /** When to run, as a cron expression (UTC). */
  readonly cron: string;
  run(): Promise<void>;
}

/**
 * Deletes a service's expired Idempotency-Keys every hour. Expired keys already no longer replay
 * (IdempotencyKeys.replayOf ignores them); this keeps the table from growing without end.
 */
export function idempotencyKeyPurgeJob(keys: IdempotencyKeys, db: Queryable, logger: Logger): ScheduledJob {
  return {
    name: `${keys.schema}.idempotency-key-purge`,
    cron: '0 * * * *',
    async run() {
      const purged = await keys.purgeExpired(db);
      logger.info('expired idempotency keys purged', { schema: keys.schema, purged });
    },
  };
}
