import { randomUUID } from 'node:crypto';
import type { Resource } from '@medplum/fhirtypes';

/** A resource an event's change wrote, at the version the change produced. */
export interface ChangedResource {
  /** `ServiceRequest/123` */
  readonly reference: string;
  readonly versionId: string;
}

/**
 * Something that happened in a service, as its consumers see it. `type` names it
 * (`referral.status-changed`); the aggregate is the thing it happened to (a referral); `changes`
 * names every resource version the change wrote, and `resources` may carry those resources so
 * that a consumer in another service need not call back. Everything but `id` and `type` may be
 * PHI: an event is never logged beyond those two.
 */
export interface DomainEvent {
  readonly id: string;
  readonly type: string;
  readonly aggregate: { readonly type: string; readonly id: string };
  readonly changes: readonly ChangedResource[];
  readonly resources?: readonly Resource[];
  /** ISO 8601 */
  readonly occurredAt: string;
}

const EVENT_TYPE = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/**
 * A new event about `resources`, each of which must have been stored (an id and a versionId).
 * With `carryResources`, the event carries them too.
 */
export function newEvent(options: {
  type: string;
  aggregate: { type: string; id: string };
  resources: readonly Resource[];
  occurredAt?: string;
  carryResources?: boolean;
}): DomainEvent {
  if (!EVENT_TYPE.test(options.type)) {
    throw new Error(`Not an event type (service.what-happened): ${options.type}`);
  }
  const changes = options.resources.map((resource) => {
    if (!resource.id || !resource.meta?.versionId) {
      throw new Error('An event names stored resources only (id and meta.versionId)');
    }
    return { reference: `${resource.resourceType}/${resource.id}`, versionId: resource.meta.versionId };
  });
  return {
    id: randomUUID(),
    type: options.type,
    aggregate: { type: options.aggregate.type, id: options.aggregate.id },
    changes,
    ...(options.carryResources ? { resources: [...options.resources] } : {}),
    occurredAt: options.occurredAt ?? new Date().toISOString(),
  };
}

/** What a log line may say about an event: its id and type, nothing else. */
export function eventLogFields(event: Pick<DomainEvent, 'id' | 'type'>): {
  eventId: string;
  eventType: string;
} {
  return { eventId: event.id, eventType: event.type };
}
