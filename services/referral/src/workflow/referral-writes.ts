import type { Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import {
  appendEvent,
  newEvent,
  notFound,
  type Queryable,
  type ResourceStore,
  type ResourceValidator,
} from '@peerbridge/shared';
import { serviceRequestStatusFor } from '../domain/lifecycle.js';
import type { Actor, Referral, ReferralStatus } from '../domain/referral.js';
import { referralFromFhir } from '../fhir/from-fhir.js';
import { REFERRAL_RESOURCES } from '../fhir/resource-definitions.js';
import { omit } from '../fhir/omit.js';
import { taskStatusFields } from '../fhir/to-fhir.js';
import { findTaskId, recordTransition, type ReferralEventType } from '../store/referral-tables.js';

/** The referral service's schema, where its outbox is. */
export const REFERRAL_SCHEMA = 'referral';

const PROFILES = new Map<string, string | undefined>(
  REFERRAL_RESOURCES.map((definition) => [definition.type, definition.profile]),
);

/** One checked transition to write: the Task as it is, as the caller wants it, and the move. */
export interface TransitionChange {
  readonly referralId: string;
  readonly current: Task;
  /** The Task to store; status, businessStatus, statusReason and lastModified are set here. */
  readonly next: Task;
  readonly to: ReferralStatus;
  readonly reason: string | undefined;
  readonly actor: Actor;
  /** From If-Match; undefined when the caller named no version. */
  readonly expectedVersion: number | undefined;
}

/**
 * The writes every referral change is made of, each inside the caller's transaction: the new
 * resource versions, the transition row and the outbox event. Because they share the
 * transaction, none of them can exist without the others.
 */
export class ReferralWrites {
  constructor(
    private readonly store: ResourceStore,
    private readonly validator: ResourceValidator,
    readonly defaultProgram: string,
  ) {}

  /** Moves the Task to `to`, lets the ServiceRequest follow, and records the transition. */
  async applyTransition(
    tx: Queryable,
    change: TransitionChange,
  ): Promise<{ referral: Referral; task: Task }> {
    const { referralId, current, next, to, reason, actor, expectedVersion } = change;
    const now = new Date().toISOString();
    const rest = omit(next, 'statusReason', 'businessStatus');
    const previousBusiness = current.businessStatus?.coding?.[0];
    const task = this.valid({
      ...rest,
      status: to,
      ...taskStatusFields(
        to,
        reason,
        previousBusiness?.system && previousBusiness.code
          ? {
              system: previousBusiness.system,
              code: previousBusiness.code,
              display: previousBusiness.display,
            }
          : undefined,
      ),
      lastModified: now,
    } as Task & { id: string });
    const storedTask = await this.store.update(task, expectedVersion, tx);
    let request = (await this.store.read('ServiceRequest', referralId, tx)) as ServiceRequest & {
      id: string;
    };
    const changed: Resource[] = [storedTask];
    const requestStatus = serviceRequestStatusFor(to);
    if (request.status !== requestStatus) {
      request = await this.store.update({ ...request, status: requestStatus }, undefined, tx);
      changed.unshift(request);
    }
    await recordTransition(tx, referralId, {
      from: current.status as ReferralStatus,
      to,
      ...(reason?.trim() ? { reason: reason.trim() } : {}),
      actor,
      at: now,
      taskVersion: storedTask.meta!.versionId!,
    });
    await this.emit(tx, 'referral.status-changed', referralId, changed, now);
    return { referral: referralFromFhir(request, storedTask, this.defaultProgram), task: storedTask };
  }

  async load(q: Queryable, id: string): Promise<{ referral: Referral; serviceRequest: ServiceRequest }> {
    const taskId = await findTaskId(q, id);
    if (!taskId) {
      throw notFound(`Referral ${id} not found`);
    }
    const serviceRequest = (await this.store.read('ServiceRequest', id, q)) as ServiceRequest;
    const task = (await this.store.read('Task', taskId, q)) as Task;
    return { referral: referralFromFhir(serviceRequest, task, this.defaultProgram), serviceRequest };
  }

  async emit(
    tx: Queryable,
    type: ReferralEventType,
    referralId: string,
    resources: readonly Resource[],
    at: string,
  ): Promise<void> {
    const event = newEvent({
      type,
      aggregate: { type: 'referral', id: referralId },
      resources,
      occurredAt: at,
    });
    await appendEvent(tx, REFERRAL_SCHEMA, event);
  }

  /** Every resource PeerBridge writes must pass what a client's would: base R4 and its profile. */
  valid<T extends Resource>(resource: T): T {
    this.validator.validate(resource, PROFILES.get(resource.resourceType));
    return resource;
  }
}
