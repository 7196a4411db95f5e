import type { Repository } from '../access/repository.js';
import type { Queryable } from '../db/database.js';
import type { ChangedResource, DomainEvent } from './domain-event.js';

/**
 * A service's handler for some event types, its own or another service's. It runs once per
 * event (a redelivered event it has handled is skipped), in a transaction that also records the
 * event as handled, so its effect and that record commit together. It writes through `tx` only.
 *
 * Events of one aggregate may arrive out of order (a retry, several workers): a consumer that
 * keeps state derived from a resource asks `delivery.isNewer(change)` and changes nothing when
 * it answers false, so a stale event never overwrites a newer state (docs/adr/0008).
 */
export interface EventConsumer {
  /** Unique within its service; `<service>.<name>` names its queue. Letters, digits, `-`. */
  readonly name: string;
  readonly eventTypes: readonly string[];
  handle(tx: Queryable, event: DomainEvent, delivery: Delivery): Promise<void>;
}

export interface Delivery {
  /** 1 on the first attempt. */
  readonly attempt: number;
  /**
   * The service's FHIR resources for this consumer, acting as the system principal
   * `system:<service>.<consumer>` (pass `{ q: tx }` so its reads and writes join the transaction);
   * undefined when the service gave its workers no repositories.
   */
  readonly repository: Repository | undefined;
  /**
   * Records that this consumer has applied `change`; false when it already applied that resource
   * at the same or a newer version, i.e. the change is stale and must be ignored.
   */
  isNewer(change: ChangedResource): Promise<boolean>;
}

/** The queue a consumer's events wait in, and the one they go to when every attempt failed. */
export function consumerQueue(service: string, consumer: string): string {
  return `${service}.${consumer}`;
}

export const DEAD_LETTER_SUFFIX = '.dead-letter';

export function deadLetterQueue(queue: string): string {
  return `${queue}${DEAD_LETTER_SUFFIX}`;
}

/**
 * Runs the consumer for one event unless it already handled it: the `handled_event` row is
 * inserted first, in the same transaction as the effect; a second delivery finds it (or waits
 * for the first delivery's transaction and then finds it) and does nothing.
 */
export async function handleOnce(
  tx: Queryable,
  schema: string,
  consumer: EventConsumer,
  event: DomainEvent,
  attempt: number,
  repository?: Repository,
): Promise<'handled' | 'duplicate'> {
  const inserted = await tx.query(
    `INSERT INTO ${schema}.handled_event (consumer, event_id) VALUES ($1, $2)
     ON CONFLICT DO NOTHING RETURNING event_id`,
    [consumer.name, event.id],
    `${schema}_handled_event_insert`,
  );
  if (inserted.length === 0) {
    return 'duplicate';
  }
  await consumer.handle(tx, event, {
    attempt,
    repository,
    isNewer: async (change) => {
      const applied = await tx.query(
        `INSERT INTO ${schema}.consumed_version AS seen (consumer, reference, version_id)
         VALUES ($1, $2, $3)
         ON CONFLICT (consumer, reference) DO UPDATE SET version_id = EXCLUDED.version_id
           WHERE seen.version_id < EXCLUDED.version_id
         RETURNING version_id`,
        [consumer.name, change.reference, Number(change.versionId)],
        `${schema}_consumed_version_upsert`,
      );
      return applied.length > 0;
    },
  });
  return 'handled';
}
