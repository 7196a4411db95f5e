import type { Queryable } from '../db/database.js';
import { assertIdentifier } from '../db/migrate.js';
import type { DomainEvent } from './domain-event.js';

/**
 * Appends an event to the service's outbox inside the caller's transaction, so the event commits
 * with the change it describes or not at all. The relay delivers it after the commit.
 */
export async function appendEvent(tx: Queryable, schema: string, event: DomainEvent): Promise<void> {
  await tx.query(
    `INSERT INTO ${assertIdentifier(schema)}.event_outbox
       (event_id, event_type, aggregate_type, aggregate_id, changes, resources, occurred_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7)`,
    [
      event.id,
      event.type,
      event.aggregate.type,
      event.aggregate.id,
      JSON.stringify(event.changes),
      event.resources ? JSON.stringify(event.resources) : null,
      event.occurredAt,
    ],
  );
}
