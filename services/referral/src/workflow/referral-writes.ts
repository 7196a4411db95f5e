import type { Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import {
  appendEvent,
  newEvent,
  notFound,
  type Grant,
  type Queryable,
  type Repository,
} from '@peerbridge/shared';
import { serviceRequestStatusFor } from '../domain/lifecycle.js';
import type { Actor, CodedConcept, Referral, ReferralStatus } from '../domain/referral.js';
import { referralFromFhir } from '../fhir/from-fhir.js';
import { omit } from '../fhir/omit.js';
import { businessStatusOf, taskStatusFields } from '../fhir/to-fhir.js';
import { findTaskId, recordTransition, type ReferralEventType } from '../store/referral-tables.js';

/** The referral service's schema, where its outbox is. */
export const REFERRAL_SCHEMA = 'referral';

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
  /** The businessStatus to set when the status alone does not say it (a session took place: 5.1.4). */
  readonly businessStatus?: CodedConcept;
}

/** A status change is an update of the referral's Task; the ServiceRequest follows under it. */
const TASK_UPDATE: Grant = { resourceType: 'Task', action: 'u' };

/**
 * The writes every referral change is made of, each inside the caller's transaction and through
 * the caller's repository: the new resource versions, the transition row and the outbox event.
 * Because they share the transaction, none of them can exist without the others.
 */
export class ReferralWrites {
  constructor(readonly defaultProgram: string) {}

  /** Moves the Task to `to`, lets the ServiceRequest follow, and records the transition. */
  async applyTransition(
    repo: Repository,
    tx: Queryable,
    change: TransitionChange,
  ): Promise<{ referral: Referral; task: Task }> {
    const { referralId, current, next, to, reason, actor, expectedVersion, businessStatus } = change;
    const now = new Date().toISOString();
    const rest = omit(next, 'statusReason', 'businessStatus');
    const previousBusiness = current.businessStatus?.coding?.[0];
    const task: Task & { id: string } = {
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
      ...(businessStatus ? { businessStatus: businessStatusOf(businessStatus) } : {}),
      lastModified: now,
      id: current.id!,
    };
    const storedTask = await repo.update(task, expectedVersion, { q: tx });
    let request: ServiceRequest = await repo.read('ServiceRequest', referralId, {
      q: tx,
      partOf: TASK_UPDATE,
    });
    const requestStatus = serviceRequestStatusFor(to);
    if (request.status !== requestStatus) {
      request = await repo.update({ ...request, id: referralId, status: requestStatus }, undefined, {
        q: tx,
        partOf: TASK_UPDATE,
      });
    }
    await recordTransition(tx, referralId, {
      from: current.status as ReferralStatus,
      to,
      ...(reason?.trim() ? { reason: reason.trim() } : {}),
      actor,
      at: now,
      taskVersion: storedTask.meta!.versionId!,
    });
    // Both resources as they are now, the ServiceRequest even when unchanged: a consumer that
    // sees this event before the referral's first still knows the whole referral.
    await this.emit(tx, 'referral.status-changed', referralId, [request, storedTask], now);
    return { referral: referralFromFhir(request, storedTask, this.defaultProgram), task: storedTask };
  }

  /**
   * A referral as the caller may see it under `grant` (the permission of the operation that
   * reads it): its ServiceRequest and, as part of it, its Task.
   */
  async load(
    repo: Repository,
    q: Queryable,
    id: string,
    grant: Grant,
  ): Promise<{ referral: Referral; serviceRequest: ServiceRequest }> {
    const taskId = await findTaskId(q, id);
    if (!taskId) {
      throw notFound(`Referral ${id} not found`);
    }
    const serviceRequest = await repo.read('ServiceRequest', id, { q, partOf: grant });
    const task = await repo.read('Task', taskId, { q, partOf: grant });
    return { referral: referralFromFhir(serviceRequest, task, this.defaultProgram), serviceRequest };
  }

  /**
   * A stage reached within the same status (a session missed, cancelled or held): the Task's
   * businessStatus changes, its status does not; `referral.updated` tells the others.
   */
  async recordBusinessStatus(
    repo: Repository,
    tx: Queryable,
    referralId: string,
    current: Task,
    businessStatus: CodedConcept,
  ): Promise<Task> {
    if (current.businessStatus?.coding?.[0]?.code === businessStatus.code) {
      return current;
    }
    const now = new Date().toISOString();
    const stored = await repo.update(
      { ...current, id: current.id!, businessStatus: businessStatusOf(businessStatus), lastModified: now },
      undefined,
      { q: tx },
    );
    await this.emit(tx, 'referral.updated', referralId, [stored], now);
    return stored;
  }

  async emit(
    tx: Queryable,
    type: ReferralEventType,
    referralId: string,
    resources: readonly Resource[],
    at: string,
  ): Promise<void> {
    // The changed resources travel with the event: the care-team service keeps its view of
    // referrals from them and never calls back (or reads this service's tables).
    const event = newEvent({
      type,
      aggregate: { type: 'referral', id: referralId },
      resources,
      occurredAt: at,
      carryResources: true,
    });
    await appendEvent(tx, REFERRAL_SCHEMA, event);
  }
}
