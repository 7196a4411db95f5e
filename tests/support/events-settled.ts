import type { Database } from '@peerbridge/shared';
import { waitFor } from './wait-for.js';

/**
 * Waits until every committed event of these schemas is published and every consumer's job has
 * run (or ended up a dead letter): after it, nothing in the background is about to write. A test
 * that compares row counts before and after a request needs this when another service consumes
 * the events its setup caused.
 */
export async function eventsSettled(db: Database, schemas: readonly string[]): Promise<void> {
  const unpublished = schemas
    .map((schema) => `(SELECT count(*) FROM ${schema}.event_outbox WHERE published_at IS NULL)`)
    .join(' + ');
  await waitFor('the events to be delivered', async () => {
    const [row] = await db.query<{ pending: number }>(
      `SELECT (${unpublished} + (SELECT count(*) FROM pgboss.job
                WHERE state IN ('created', 'retry', 'active')
                  AND name IN (SELECT name FROM pgboss.subscription)))::int AS pending`,
    );
    return row!.pending === 0;
  });
}
