import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import {
  EVENT_MIGRATIONS,
  eventWorkers,
  type DomainEvent,
  type EventConsumer,
  type Queryable,
  type ServiceModule,
} from '@peerbridge/shared';

/**
 * A service made for the event tests: it owns the schema `ledger`, produces events into its
 * outbox and consumes them with whatever consumers a test gives it. Its consumers' effects are
 * rows in `ledger.effect`, one per run, so an effect that ran twice shows.
 */
export const LEDGER_SCHEMA = 'ledger';
export const LEDGER_EVENT = 'ledger.entry-posted';

export function ledgerService(consumers: readonly EventConsumer[]): ServiceModule {
  return {
    name: 'ledger',
    schema: LEDGER_SCHEMA,
    migrations: [
      EVENT_MIGRATIONS,
      { name: 'ledger', directory: fileURLToPath(new URL('./ledger-migrations', import.meta.url)) },
    ],
    resources: [],
    createRouter: () => Router(),
    workers: ({ db, bus, logger }) =>
      eventWorkers({ service: 'ledger', schema: LEDGER_SCHEMA, db, bus, logger, consumers }),
  };
}

export async function recordEffect(tx: Queryable, consumer: string, event: DomainEvent): Promise<void> {
  await tx.query('INSERT INTO ledger.effect (consumer, event_id, aggregate_id) VALUES ($1, $2, $3)', [
    consumer,
    event.id,
    event.aggregate.id,
  ]);
}

/** A consumer whose effect is one `ledger.effect` row per event it handles. */
export function recorder(name: string, eventTypes: readonly string[] = [LEDGER_EVENT]): EventConsumer {
  return { name, eventTypes, handle: (tx, event) => recordEffect(tx, name, event) };
}

/** How many times each event's effect ran for this consumer. */
export async function effectCounts(db: Queryable, consumer: string): Promise<Map<string, number>> {
  const rows = await db.query<{ event_id: string; count: number }>(
    'SELECT event_id, count(*)::int AS count FROM ledger.effect WHERE consumer = $1 GROUP BY event_id',
    [consumer],
  );
  return new Map(rows.map((row) => [row.event_id, row.count]));
}
