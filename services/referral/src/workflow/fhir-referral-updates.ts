import type { ServiceRequest, Task } from '@medplum/fhirtypes';
import {
  conflict,
  preconditionFailed,
  unprocessable,
  type Database,
  type Queryable,
  type Repository,
} from '@peerbridge/shared';
import { assertTransition, type TransitionFields } from '../domain/lifecycle.js';
import { REFERRAL_STATUSES, type Actor, type ReferralStatus } from '../domain/referral.js';
import { isPeerSupportReferral, referralDetailsFromServiceRequest } from '../fhir/from-fhir.js';
import { findTaskId, lockReferral, lockReferralOfTask } from '../store/referral-tables.js';
import type { ReferralWrites } from './referral-writes.js';

const TASK_FIELDS: TransitionFields = { status: 'Task.status', reason: 'Task.statusReason' };

/**
 * FHIR updates of a referral's resources, held to the same rules as the REST API, each through
 * the caller's repository. Resources that belong to no referral are stored as any FHIR resource
 * would be.
 */
export class FhirReferralUpdates {
  constructor(
    private readonly db: Database,
    private readonly writes: ReferralWrites,
  ) {}

  /**
   * The FHIR way: a PUT of the Task. A referral's Task may not change its focus or patient, and
   * a new status goes through the same state machine as changeStatus.
   */
  async updateTask(
    repo: Repository,
    incoming: Task & { id: string },
    expectedVersion: number | undefined,
    actor: Actor,
  ): Promise<Task> {
    return this.db.transaction(async (tx) => {
      const referralId = await lockReferralOfTask(tx, incoming.id);
      if (!referralId) {
        return repo.update(incoming, expectedVersion, { q: tx });
      }
      const current = await repo.readForWrite('Task', incoming.id, 'u', { q: tx });
      if (expectedVersion !== undefined && String(expectedVersion) !== current.meta?.versionId) {
        throw preconditionFailed(
          `Version conflict: If-Match names version ${expectedVersion}, current is ${current.meta?.versionId}`,
        );
      }
      if (incoming.focus?.reference !== current.focus?.reference) {
        throw unprocessable("A referral's Task cannot change its focus", 'Task.focus');
      }
      if (incoming.for?.reference !== current.for?.reference) {
        throw unprocessable("A referral's Task cannot change its patient", 'Task.for');
      }
      if (incoming.status === current.status) {
        const stored = await repo.update(incoming, expectedVersion, { q: tx });
        await this.writes.emit(tx, 'referral.updated', referralId, [stored], stored.meta!.lastUpdated!);
        return stored;
      }
      const to = incoming.status as ReferralStatus;
      if (!REFERRAL_STATUSES.includes(to)) {
        throw unprocessable(
          `Task.status ${incoming.status} is not part of the referral lifecycle`,
          'Task.status',
        );
      }
      const reason = incoming.statusReason?.text;
      assertTransition(current.status as ReferralStatus, to, reason, TASK_FIELDS);
      const { task } = await this.writes.applyTransition(repo, tx, {
        referralId,
        current,
        next: incoming,
        to,
        reason,
        actor,
        expectedVersion,
      });
      return task;
    });
  }

  /**
   * A PUT of a referral's ServiceRequest: details may change, but its status follows the Task
   * and its patient and code stay, so the two resources never disagree.
   */
  async updateServiceRequest(
    repo: Repository,
    incoming: ServiceRequest & { id: string },
    expectedVersion: number | undefined,
  ): Promise<ServiceRequest> {
    return this.db.transaction(async (tx) => {
      const taskId = await lockReferral(tx, incoming.id);
      if (!taskId) {
        return repo.update(incoming, expectedVersion, { q: tx });
      }
      const current = await repo.readForWrite('ServiceRequest', incoming.id, 'u', { q: tx });
      if (incoming.status !== current.status) {
        throw unprocessable(
          `A referral's ServiceRequest.status follows its Task; change Task/${taskId} instead`,
          'ServiceRequest.status',
        );
      }
      if (incoming.subject?.reference !== current.subject?.reference) {
        throw unprocessable("A referral's patient cannot change", 'ServiceRequest.subject');
      }
      if (!isPeerSupportReferral(incoming)) {
        throw unprocessable('A referral must keep the peer support referral code', 'ServiceRequest.code');
      }
      referralDetailsFromServiceRequest(incoming, this.writes.defaultProgram);
      const stored = await repo.update(incoming, expectedVersion, { q: tx });
      await this.writes.emit(tx, 'referral.updated', incoming.id, [stored], stored.meta!.lastUpdated!);
      return stored;
    });
  }

  /** A new Task may not claim a referral's ServiceRequest: each referral has exactly one Task. */
  async createTask(repo: Repository, task: Task, q: Queryable | undefined): Promise<Task> {
    const focus = /^ServiceRequest\/([A-Za-z0-9\-.]{1,64})$/.exec(task.focus?.reference ?? '')?.[1];
    const existing = focus ? await findTaskId(q ?? this.db, focus) : undefined;
    if (existing) {
      throw unprocessable(
        `ServiceRequest/${focus} is a referral tracked by Task/${existing}; change that Task instead`,
        'Task.focus',
      );
    }
    return repo.create(task, { q });
  }

  /**
   * A referral's ServiceRequest and Task are never deleted, so its closed loop stays on record;
   * cancelling the referral is how it ends. Other resources are deleted as usual.
   */
  async delete(repo: Repository, resourceType: 'ServiceRequest' | 'Task', id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const referral =
        resourceType === 'Task' ? await lockReferralOfTask(tx, id) : (await lockReferral(tx, id)) && id;
      if (referral) {
        // Only a caller who may delete it learns why it cannot be deleted.
        await repo.readForWrite(resourceType, id, 'd', { q: tx });
        throw conflict(
          `${resourceType}/${id} belongs to referral ${referral} and cannot be deleted; cancel the referral instead`,
        );
      }
      await repo.delete(resourceType, id, { q: tx });
    });
  }
}
