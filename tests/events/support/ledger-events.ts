import type { Resource } from '@medplum/fhirtypes';
import { appendEvent, newEvent, type Database, type DomainEvent } from '@peerbridge/shared';
import { LEDGER_EVENT, LEDGER_SCHEMA } from './ledger-service.js';

/** A stored-looking resource at a version, for events to name. */
export function resourceAt(id: string, versionId: number, extra: Partial<Resource> = {}): Resource {
  return { resourceType: 'Basic', id, meta: { versionId: String(versionId) }, ...extra } as Resource;
}

/** Commits `count` events of `type`, each in its own transaction, as a service would. */
export async function commitEvents(
  db: Database,
  count: number,
  options: { type?: string; aggregate?: string; carry?: Resource } = {},
): Promise<DomainEvent[]> {
  const events: DomainEvent[] = [];
  for (let i = 0; i < count; i++) {
    const event = newEvent({
      type: options.type ?? LEDGER_EVENT,
      aggregate: { type: 'account', id: options.aggregate ?? `account-${i}` },
      resources: [options.carry ?? resourceAt(`entry-${i}`, 1)],
      carryResources: options.carry !== undefined,
    });
    await db.transaction((tx) => appendEvent(tx, LEDGER_SCHEMA, event));
    events.push(event);
  }
  return events;
}
