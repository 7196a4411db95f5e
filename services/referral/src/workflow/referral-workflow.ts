import type { CodeableConcept, ServiceRequest, Task } from '@medplum/fhirtypes';
import {
  isReferenceTo,
  notFound,
  parseSearchRequest,
  type Database,
  type Grant,
  type IdempotencyKeys,
  type IdempotentRequest,
  type Queryable,
  type Repository,
} from '@peerbridge/shared';
import { assertTransition, type TransitionFields } from '../domain/lifecycle.js';
import type { Actor, Referral, ReferralDetails, ReferralStatus, Transition } from '../domain/referral.js';
import { FULFILL } from '../fhir/codes.js';
import { referralFromFhir } from '../fhir/from-fhir.js';
import { omit } from '../fhir/omit.js';
import { TASK } from '../fhir/resource-definitions.js';
import { toFhirServiceRequest, toFhirTask } from '../fhir/to-fhir.js';
import {
  findTaskId,
  insertReferral,
  listTransitions,
  lockReferral,
  recordTransition,
} from '../store/referral-tables.js';
import type { ReferralWrites } from './referral-writes.js';

export interface CreateOptions {
  readonly idempotency?: IdempotentRequest;
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

// A referral is one aggregate: its ServiceRequest is the root, and the operations on it are
// granted by the permission on the root (create, read, search) or on its Task (status changes).
const CREATE: Grant = { resourceType: 'ServiceRequest', action: 'c' };
const READ: Grant = { resourceType: 'ServiceRequest', action: 'r' };
const SEARCH: Grant = { resourceType: 'ServiceRequest', action: 's' };

/**
 * Creating, reading and moving referrals: what createReferral, the other REST operations and an
 * EHR's FHIR create do, each for the caller whose repository it is given. A create writes the
 * ServiceRequest, the Task, the first transition and the outbox event in one transaction.
 * The referral tables (which Task tracks which referral, transitions) are read only to find a
 * referral's resources, and written only after the caller's repository let the change through.
 */
export class ReferralWorkflow {
  constructor(
    private readonly db: Database,
    private readonly writes: ReferralWrites,
    private readonly idempotencyKeys: IdempotencyKeys,
  ) {}

  get defaultProgram(): string {
    return this.writes.defaultProgram;
  }

  async create(
    repo: Repository,
    details: ReferralDetails,
    actor: Actor,
    options: CreateOptions = {},
  ): Promise<{ created: boolean; referral: Referral; serviceRequest: ServiceRequest }> {
    return this.inTransaction(options.q, async (tx) => {
      const { idempotency } = options;
      if (idempotency) {
        const earlier = await this.idempotencyKeys.replayOf(tx, idempotency);
        if (earlier) {
          const { referral, serviceRequest } = await this.writes.load(repo, tx, earlier, CREATE);
          return { created: false, referral, serviceRequest };
        }
      }
      const now = new Date().toISOString();
      const serviceRequest = merged(
        options.received,
        toFhirServiceRequest(details, 'requested', options.received?.authoredOn ?? now),
      );
      const storedRequest = await repo.create(serviceRequest, { q: tx });
      const task = toFhirTask(details, storedRequest.id!, 'requested', now);
      const storedTask = await repo.create(task, { q: tx, partOf: CREATE });
      const id = storedRequest.id!;
      await insertReferral(tx, id, storedTask.id!);
      await recordTransition(tx, id, { from: null, to: 'requested', actor, at: now, taskVersion: '1' });
      await this.writes.emit(tx, 'referral.created', id, [storedRequest, storedTask], now);
      if (idempotency) {
        await this.idempotencyKeys.save(tx, idempotency, id);
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
    repo: Repository,
    request: ServiceRequest,
    q: Queryable | undefined,
  ): Promise<ServiceRequest> {
    return repo.create(request, { q });
  }

  async get(repo: Repository, id: string): Promise<Referral> {
    return (await this.writes.load(repo, this.db, id, READ)).referral;
  }

  async list(repo: Repository, filter: ReferralFilter): Promise<ReferralPage> {
    const query: [string, string][] = [['code', `${FULFILL.system}|${FULFILL.code}`]];
    if (filter.patient) query.push(['subject', filter.patient]);
    if (filter.status?.length) query.push(['status', filter.status.join(',')]);
    if (filter.requester) query.push(['requester', filter.requester]);
    if (filter.authoredFrom) query.push(['authored-on', `ge${filter.authoredFrom}`]);
    if (filter.authoredTo) query.push(['authored-on', `le${filter.authoredTo}`]);
    query.push(['_sort', '-authored-on'], ['_include', 'Task:focus']);
    query.push(['_count', String(filter.limit)], ['_offset', String(filter.offset)]);
    const result = await repo.search<Task>(parseSearchRequest(TASK, query, { strict: true }), {
      partOf: SEARCH,
    });
    const requests = new Map(
      result.included
        .filter((resource): resource is ServiceRequest => resource.resourceType === 'ServiceRequest')
        .map((request) => [`ServiceRequest/${request.id}`, request]),
    );
    const referrals = result.matches.flatMap((task) => {
      const request = requests.get(task.focus?.reference ?? '');
      return request ? [referralFromFhir(request, task, this.defaultProgram)] : [];
    });
    return { referrals, total: result.total ?? referrals.length, hasMore: result.hasMore };
  }

  /** The transitions of a referral whose Task the caller may read. */
  async history(repo: Repository, id: string): Promise<Transition[]> {
    const taskId = await findTaskId(this.db, id);
    if (!taskId) {
      throw notFound(`Referral ${id} not found`);
    }
    await repo.read('Task', taskId);
    return listTransitions(this.db, id);
  }

  /** The REST way: a target status and a reason. */
  async changeStatus(
    repo: Repository,
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
      const current = await repo.readForWrite('Task', taskId, 'u', { q: tx });
      const from = current.status as ReferralStatus;
      assertTransition(from, to, reason, REST_FIELDS);
      const { referral } = await this.writes.applyTransition(repo, tx, {
        referralId: id,
        current,
        next: current,
        to,
        reason,
        actor,
        expectedVersion: undefined,
      });
      return referral;
    });
  }

  private inTransaction<T>(q: Queryable | undefined, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return q ? fn(q) : this.db.transaction(fn);
  }
}

/**
 * An EHR's ServiceRequest as PeerBridge stores it: as the EHR sent it (its own codes, reasons,
 * identifiers and extensions kept), with what the referral needs added: the status its Task
 * implies, PeerBridge's category beside the EHR's, the program as performer when none is named,
 * and authoredOn when missing.
 */
function merged(received: ServiceRequest | undefined, mapped: ServiceRequest): ServiceRequest {
  if (!received) {
    return mapped;
  }
  const rest = omit(received, 'id', 'meta');
  const ours = mapped.category ?? [];
  const theirs = rest.category ?? [];
  const sameCoding = (a: CodeableConcept, b: CodeableConcept) =>
    a.coding?.some((x) => b.coding?.some((y) => x.system === y.system && x.code === y.code)) ?? false;
  const hasProgram = rest.performer?.some((performer) => isReferenceTo(performer.reference, 'Organization'));
  return {
    ...rest,
    status: mapped.status,
    category: [...theirs, ...ours.filter((concept) => !theirs.some((t) => sameCoding(t, concept)))],
    performer: hasProgram ? rest.performer : [...(rest.performer ?? []), ...(mapped.performer ?? [])],
    authoredOn: rest.authoredOn ?? mapped.authoredOn,
  };
}
