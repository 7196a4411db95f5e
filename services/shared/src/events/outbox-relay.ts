import type { JobInsert } from 'pg-boss';
import type { Database } from '../db/database.js';
import { assertIdentifier } from '../db/migrate.js';
import type { Logger } from '../logging/logger.js';
import type { DomainEvent } from './domain-event.js';
import { QUEUE_SCHEMA, type EventBus } from './event-bus.js';

const BATCH = 200;

interface OutboxRow {
  seq: string;
  event_id: string;
  event_type: string;
  aggregate_type: string;
  aggregate_id: string;
  changes: DomainEvent['changes'];
  resources: DomainEvent['resources'] | null;
  occurred_at: string | Date;
}

/**
 * Moves committed outbox events of one schema to the job queue: claims a batch (a lease, so
 * several replicas share the work and a relay killed mid-batch delays its rows by the lease
 * only), puts each event in the queue of every consumer subscribed to its type, then marks the
 * batch published.
 * A crash between publishing and marking publishes again: delivery is at least once, and the
 * job id is the event id, so a queue that already has the job keeps one.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly db: Database,
    private readonly schema: string,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {
    assertIdentifier(schema);
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and waits for the batch in hand, which is published and marked first. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Publishes every committed, unpublished event; answers how many it published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.publishBatch();
      total += published;
      if (published < BATCH) {
        return total;
      }
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) {
      return;
    }
    this.timer = setTimeout(() => {
      this.running = this.drain().then(
        () => this.schedule(this.bus.config.relayIntervalMs),
        (error: unknown) => {
          // The database may be restarting: keep polling, the rows wait in the outbox.
          this.logger.warn('outbox relay failed', {
            schema: this.schema,
            error: error instanceof Error ? error.message : String(error),
          });
          this.schedule(this.bus.config.relayIntervalMs * 10);
        },
      );
    }, delayMs);
  }

  private async publishBatch(): Promise<number> {
    const rows = await this.db.query<OutboxRow>(
      `UPDATE ${this.schema}.event_outbox SET claimed_until = now() + make_interval(secs => $1)
       WHERE seq IN (
         SELECT seq FROM ${this.schema}.event_outbox
         WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
         ORDER BY seq LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
       RETURNING seq, event_id, event_type, aggregate_type, aggregate_id, changes, resources, occurred_at`,
      // A claim lasts as long as a silent worker keeps its jobs: then the relay is presumed dead.
      [this.bus.config.heartbeatSeconds],
    );
    if (rows.length === 0) {
      return 0;
    }
    // In outbox order, so one aggregate's events usually reach a queue in the order they happened
    // (consumers still guard with versions: docs/adr/0008).
    rows.sort((a, b) => Number(a.seq) - Number(b.seq));
    const events = rows.map(eventOf);
    for (const [queue, jobs] of await this.jobsBySubscriber(events)) {
      await this.bus.boss.insert(queue, jobs);
    }
    await this.db.query(
      `UPDATE ${this.schema}.event_outbox SET published_at = now(), claimed_until = NULL
       WHERE event_id = ANY($1::uuid[])`,
      [rows.map((row) => row.event_id)],
    );
    return rows.length;
  }
  /**
   * pg-boss's publish() sends one event to its subscribers in a round trip per queue; a batch is
   * published with one insert per subscribed queue instead. Who subscribes to what is read from
   * pg-boss's subscription table, as publish() itself reads it. The job id is the event id.
   */
  private async jobsBySubscriber(events: readonly DomainEvent[]): Promise<Map<string, JobInsert[]>> {
    const types = [...new Set(events.map((event) => event.type))];
    const subscriptions = await this.db.query<{ event: string; name: string }>(
      `SELECT event, name FROM ${QUEUE_SCHEMA}.subscription WHERE event = ANY($1::text[])`,
      [types],
    );
    const jobs = new Map<string, JobInsert[]>();
    for (const event of events) {
      for (const { name } of subscriptions.filter((subscription) => subscription.event === event.type)) {
        const queued = jobs.get(name) ?? [];
        queued.push({ id: event.id, data: event as unknown as object });
        jobs.set(name, queued);
      }
    }
    return jobs;
  }
}

function eventOf(row: OutboxRow): DomainEvent {
  return {
    id: row.event_id,
    type: row.event_type,
    aggregate: { type: row.aggregate_type, id: row.aggregate_id },
    changes: row.changes,
    ...(row.resources ? { resources: row.resources } : {}),
    occurredAt: new Date(row.occurred_at).toISOString(),
  };
}
