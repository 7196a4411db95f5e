import type { Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import {
  notFound,
  parseSearchRequest,
  preconditionFailed,
  unprocessable,
  type Database,
  type Queryable,
  type ResourceStore,
  type ResourceValidator,
} from '@peerbridge/shared';
import { assertTransition, serviceRequestStatusFor, type TransitionFields } from './domain/lifecycle.js';
import {
  REFERRAL_STATUSES,
  type Actor,
  type Referral,
  type ReferralDetails,
  type ReferralStatus,
  type Transition,
} from './domain/referral.js';
import { FULFILL } from './fhir/codes.js';
import { omit } from './fhir/omit.js';
import {
  isPeerSupportReferral,
  referralDetailsFromServiceRequest,
  referralFromFhir,
} from './fhir/from-fhir.js';
import { TASK } from './fhir/resource-definitions.js';
import { taskStatusFields, toFhirServiceRequest, toFhirTask } from './fhir/to-fhir.js';
import {
  appendEvent,
  findIdempotencyKey,
  findTaskId,
  insertReferral,
  listTransitions,
  lockIdempotencyKey,
  lockReferral,
  lockReferralOfTask,
  recordTransition,
  saveIdempotencyKey,
  type ChangedResource,
  type ReferralEventType,
} from './store/referral-tables.js';

export interface CreateOptions {
  readonly idempotency?: { readonly clientId: string; readonly key: string; readonly requestHash: string };
  /** The ServiceRequest as an EHR sent it; elements PeerBridge does not model are kept. */
  readonly received?: ServiceRequest;
  /** The transaction to create in, when the caller already holds one (FHIR conditional create). */
  readonly q?: Queryable;
}

export interface ReferralFilter {
  readonly patient?: string;
  readonly status?: readonly ReferralStatus[];
  readonly requester?: string;
  readonly authoredFrom?: string;
  readonly authoredTo?: string;
  readonly limit: number;
  readonly offset: number;
}

export interface ReferralPage {
  readonly referrals: Referral[];
  readonly total: number;
  readonly hasMore: boolean;
}

const REST_FIELDS: TransitionFields = { status: 'status', reason: 'reason' };
const TASK_FIELDS: TransitionFields = { status: 'Task.status', reason: 'Task.statusReason' };

/**
 * Everything that changes a referral, whichever way the change arrives (REST or FHIR). Each
 * change writes the ServiceRequest and/or Task versions, the transition row and the outbox event
 * in one transaction, so none can exist without the others.
 */
export class ReferralWorkflow {
  constructor(
    private readonly db: Database,
    private readonly store: ResourceStore,
    private readonly validator: ResourceValidator,
    readonly defaultProgram: string,
  ) {}

  async create(
    details: ReferralDetails,
    actor: Actor,
    options: CreateOptions = {},
  ): Promise<{ created: boolean; referral: Referral; serviceRequest: ServiceRequest }> {
    return this.inTransaction(options.q, async (tx) => {
      const { idempotency } = options;
      if (idempotency) {
        await lockIdempotencyKey(tx, idempotency.clientId, idempotency.key);
        const earlier = await findIdempotencyKey(tx, idempotency.clientId, idempotency.key);
        if (earlier && earlier.requestHash !== idempotency.requestHash) {
          throw unprocessable(
            'This Idempotency-Key was already used with a different request body',
            'Idempotency-Key',
          );
        }
        if (earlier) {
          const { referral, serviceRequest } = await this.load(tx, earlier.referralId);
          return { created: false, referral, serviceRequest };
        }
      }
      const now = new Date().toISOString();
      const serviceRequest = this.valid(
        merged(
          options.received,
          toFhirServiceRequest(details, 'requested', options.received?.authoredOn ?? now),
        ),
      );
      const storedRequest = await this.store.create(serviceRequest, tx);
      const task = this.valid(toFhirTask(details, storedRequest.id!, 'requested', now));
      const storedTask = await this.store.create(task, tx);
      const id = storedRequest.id!;
      await insertReferral(tx, id, storedTask.id!);
      await recordTransition(tx, id, { from: null, to: 'requested', actor, at: now, taskVersion: '1' });
      await this.emit(tx, 'referral.created', id, [storedRequest, storedTask], now);
      if (idempotency) {
        await saveIdempotencyKey(tx, idempotency.clientId, idempotency.key, idempotency.requestHash, id);
      }
      return {
        created: true,
        referral: referralFromFhir(storedRequest, storedTask, this.defaultProgram),
        serviceRequest: storedRequest,
      };
    });
  }

  /** A ServiceRequest that is not a peer support referral is stored as it is. */
  async createPlainServiceRequest(
    request: ServiceRequest,
    q: Queryable | undefined,
  ): Promise<ServiceRequest> {
    return this.store.create(request, q);
  }

  async get(id: string): Promise<Referral> {
    return (await this.load(this.db, id)).referral;
  }

  async list(filter: ReferralFilter): Promise<ReferralPage> {
    const query: [string, string][] = [['code', `${FULFILL.system}|${FULFILL.code}`]];
    if (filter.patient) query.push(['subject', filter.patient]);
    if (filter.status?.length) query.push(['status', filter.status.join(',')]);
    if (filter.requester) query.push(['requester', filter.requester]);
    if (filter.authoredFrom) query.push(['authored-on', `ge${filter.authoredFrom}`]);
    if (filter.authoredTo) query.push(['authored-on', `le${filter.authoredTo}`]);
    query.push(['_sort', '-authored-on'], ['_include', 'Task:focus']);
    query.push(['_count', String(filter.limit)], ['_offset', String(filter.offset)]);
    const result = await this.store.search(parseSearchRequest(TASK, query, { strict: true }));
    const requests = new Map(
      result.included
        .filter((resource): resource is ServiceRequest => resource.resourceType === 'ServiceRequest')
        .map((request) => [`ServiceRequest/${request.id}`, request]),
    );
    const referrals = (result.matches as Task[]).flatMap((task) => {
      const request = requests.get(task.focus?.reference ?? '');
      return request ? [referralFromFhir(request, task, this.defaultProgram)] : [];
    });
    return { referrals, total: result.total ?? referrals.length, hasMore: result.hasMore };
  }

  async history(id: string): Promise<Transition[]> {
    if (!(await findTaskId(this.db, id))) {
      throw notFound(`Referral ${id} not found`);
    }
    return listTransitions(this.db, id);
  }

  /** The REST way: a target status and a reason. */
  async changeStatus(
    id: string,
    to: ReferralStatus,
    reason: string | undefined,
    actor: Actor,
  ): Promise<Referral> {
    return this.db.transaction(async (tx) => {
      const taskId = await lockReferral(tx, id);
      if (!taskId) {
        throw notFound(`Referral ${id} not found`);
      }
      const current = (await this.store.read('Task', taskId, tx)) as Task;
      const from = current.status as ReferralStatus;
      assertTransition(from, to, reason, REST_FIELDS);
      const { referral } = await this.applyTransition(tx, id, current, current, to, reason, actor, undefined);
      return referral;
    });
  }

  /**
   * The FHIR way: a PUT of the Task. A referral's Task may not change its focus or patient, and
   * a new status goes through the same state machine as changeStatus.
   */
  async updateTask(
    incoming: Task & { id: string },
    expectedVersion: number | undefined,
    actor: Actor,
  ): Promise<Task> {
    return this.db.transaction(async (tx) => {
      const referralId = await lockReferralOfTask(tx, incoming.id);
      if (!referralId) {
        return this.store.update(incoming, expectedVersion, tx);
      }
      const current = (await this.store.read('Task', incoming.id, tx)) as Task;
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
        const stored = await this.store.update(this.valid(incoming), expectedVersion, tx);
        await this.emit(tx, 'referral.updated', referralId, [stored], stored.meta!.lastUpdated!);
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
      const { task } = await this.applyTransition(
        tx,
        referralId,
        current,
        incoming,
        to,
        reason,
        actor,
        expectedVersion,
      );
      return task;
    });
  }

  /**
   * A PUT of a referral's ServiceRequest: details may change, but its status follows the Task
   * and its patient and code stay, so the two resources never disagree.
   */
  async updateServiceRequest(
    incoming: ServiceRequest & { id: string },
    expectedVersion: number | undefined,
  ): Promise<ServiceRequest> {
    return this.db.transaction(async (tx) => {
      const taskId = await lockReferral(tx, incoming.id);
      if (!taskId) {
        return this.store.update(incoming, expectedVersion, tx);
      }
      const current = (await this.store.read('ServiceRequest', incoming.id, tx)) as ServiceRequest;
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
      referralDetailsFromServiceRequest(incoming, this.defaultProgram);
      const stored = await this.store.update(incoming, expectedVersion, tx);
      await this.emit(tx, 'referral.updated', incoming.id, [stored], stored.meta!.lastUpdated!);
      return stored;
    });
  }

  private async applyTransition(
    tx: Queryable,
    referralId: string,
    current: Task,
    next: Task,
    to: ReferralStatus,
    reason: string | undefined,
    actor: Actor,
    expectedVersion: number | undefined,
  ): Promise<{ referral: Referral; task: Task }> {
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

  private async load(
    q: Queryable,
    id: string,
  ): Promise<{ referral: Referral; serviceRequest: ServiceRequest }> {
    const taskId = await findTaskId(q, id);
    if (!taskId) {
      throw notFound(`Referral ${id} not found`);
    }
    const serviceRequest = (await this.store.read('ServiceRequest', id, q)) as ServiceRequest;
    const task = (await this.store.read('Task', taskId, q)) as Task;
    return { referral: referralFromFhir(serviceRequest, task, this.defaultProgram), serviceRequest };
  }

  private async emit(
    tx: Queryable,
    type: ReferralEventType,
    referralId: string,
    resources: readonly Resource[],
    at: string,
  ): Promise<void> {
    const changed: ChangedResource[] = resources.map((resource) => ({
      reference: `${resource.resourceType}/${resource.id}`,
      versionId: resource.meta!.versionId!,
    }));
    await appendEvent(tx, type, referralId, changed, at);
  }

  /** Every resource PeerBridge writes must pass the same validation a client's would. */
  private valid<T extends Resource>(resource: T): T {
    this.validator.validate(resource);
    return resource;
  }

  private inTransaction<T>(q: Queryable | undefined, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return q ? fn(q) : this.db.transaction(fn);
  }
}

/**
 * An EHR's ServiceRequest with PeerBridge's reading of it laid over: the modelled elements are
 * ours, anything else the EHR sent (its own identifiers and extensions included) is kept.
 */
function merged(received: ServiceRequest | undefined, mapped: ServiceRequest): ServiceRequest {
  if (!received) {
    return mapped;
  }
  const rest = omit(received, 'id', 'meta');
  const ours = new Set((mapped.extension ?? []).map((extension) => extension.url));
  const extension = [...(rest.extension ?? []).filter((e) => !ours.has(e.url)), ...(mapped.extension ?? [])];
  const placer = mapped.identifier ?? [];
  const identifier = [
    ...(rest.identifier ?? []).filter(
      (i) => !placer.some((p) => p.system === i.system && p.value === i.value),
    ),
    ...placer,
  ];
  return {
    ...rest,
    ...mapped,
    ...(extension.length > 0 ? { extension } : {}),
    ...(identifier.length > 0 ? { identifier } : {}),
  };
}
