import type { Queryable } from '../db/database.js';
import { assertIdentifier } from '../db/migrate.js';
import type { DomainEvent } from './domain-event.js';

/**
 * Appends an event to the service's outbox inside the caller's transaction, so the event commits
 * with the change it describes or not at all. The relay delivers it after the commit.
 */
export async function appendEvent(tx: Queryable, schema: string, event: DomainEvent): Promise<void> {
  const values = [...outboxValues(event), event.resources ? JSON.stringify(event.resources) : null];
  const params = ['$1', '$2', '$3', '$4', '$5::jsonb', '$6', '$7::jsonb'];
  await tx.query(outboxInsert(schema, params), values, `${schema}.append-event`);
}

/**
 * The INSERT of one event into the outbox, for a statement that may also write the change: the
 * SQL expressions of its id, type, aggregate type and id, changes, occurredAt (the six
 * outboxValues, in that order) and carried resources.
 */
export function outboxInsert(schema: string, params: readonly string[]): string {
  return `INSERT INTO ${assertIdentifier(schema)}.event_outbox
       (event_id, event_type, aggregate_type, aggregate_id, changes, occurred_at, resources)
     VALUES (${params.join(', ')})`;
}

/** Everything of an event but the resources it carries, in outboxInsert's order. */
export function outboxValues(event: DomainEvent): unknown[] {
  return [
    event.id,
    event.type,
    event.aggregate.type,
    event.aggregate.id,
    JSON.stringify(event.changes),
    event.occurredAt,
  ];
}
