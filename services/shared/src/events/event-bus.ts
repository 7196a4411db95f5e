import pLimit, { type LimitFunction } from 'p-limit';
import { fromPglite, PgBoss, type Db } from 'pg-boss';
import type { Config, EventConfig } from '../config/config.js';
import type { Database, Queryable } from '../db/database.js';
import type { Logger } from '../logging/logger.js';

/** pg-boss's own schema (its default), beside the services' schemas. */
export const QUEUE_SCHEMA = 'pgboss';

/**
 * The process's job queue: one pg-boss instance on the service database, shared by the relays
 * and consumers of every service the process hosts. On PostgreSQL pg-boss keeps a small pool of
 * its own (plus one LISTEN connection, so a worker wakes when a job is created); on PGlite it
 * shares the embedded instance through pg-boss's own PGlite adapter (docs/adr/0008).
 */
export class EventBus {
  private constructor(
    readonly boss: PgBoss,
    readonly config: EventConfig,
    /**
     * Bounds the consumer transactions open at once across every consumer of the process, so that
     * consumers (which may wait on something slow) never take every pooled connection from the
     * requests and the readiness check.
     */
    readonly deliveries: LimitFunction,
  ) {}

  static async start(options: {
    db: Database;
    /** The event settings, and the size of the service pool `db` draws from. */
    config: Pick<Config, 'events' | 'databasePoolSize'>;
    logger: Logger;
    /** pg-boss's own connections on PostgreSQL (besides the LISTEN one). */
    poolSize?: number;
  }): Promise<EventBus> {
    // Half the service pool on PostgreSQL; PGlite has one connection and runs one at a time anyway.
    const concurrentDeliveries =
      options.db.connection.kind === 'postgres'
        ? Math.max(1, Math.floor(options.config.databasePoolSize / 2))
        : 1;
    const { db, logger } = options;
    const connection =
      db.connection.kind === 'pglite'
        ? { db: fromPglite(db.connection.instance), backend: 'pglite' as const }
        : { connectionString: db.connection.url, max: options.poolSize ?? 4 };
    const boss = new PgBoss({
      ...connection,
      schema: QUEUE_SCHEMA,
      useListenNotify: true,
      // Cron schedules are not used; maintenance (expiry, retention) stays on.
      schedule: false,
      // Finds the jobs of a worker that stopped heartbeating (a killed process) soon after.
      superviseIntervalSeconds: Math.max(1, Math.floor(options.config.events.heartbeatSeconds / 2)),
    });
    // pg-boss reports trouble (a lost connection, a failed poll) as events and carries on; its
    // messages describe the queue, never job data.
    boss.on('error', (error: Error) => logger.warn('event queue error', { error: error.message }));
    await boss.start();
    return new EventBus(boss, options.config.events, pLimit(concurrentDeliveries));
  }

  /** Stops claiming jobs and waits (up to timeoutMs) for running handlers, then disconnects. */
  async stop(timeoutMs: number): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: timeoutMs, close: true });
  }
}

/** A transaction as pg-boss's `db` option takes it, so a job is written in that transaction. */
export function queueTransaction(tx: Queryable): Db {
  return { executeSql: async (text, values) => ({ rows: await tx.query(text, values ?? []) }) };
}
