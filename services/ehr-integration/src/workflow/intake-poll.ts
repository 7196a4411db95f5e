import type { Bundle, Patient, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import {
  OperationOutcomeError,
  type Database,
  type EhrConnection,
  type Logger,
  type Queryable,
  type Repository,
} from '@peerbridge/shared';
import {
  decideIntake,
  PEER_SUPPORT_REFERRAL_CODE,
  referredPatientId,
  type IntakeSource,
} from '../domain/intake-decision.js';
import { ehrServiceRequestUrl, ehrUrl } from '../fhir/ehr-references.js';
import { toIntakeServiceRequest } from '../fhir/intake-service-request.js';
import { patientCopyId, toPatientCopy } from '../fhir/patient-copy.js';
import type { EhrFhirClient } from '../smart-client/ehr-fhir-client.js';
import { EhrFhirError } from '../smart-client/ehr-fhir-client.js';
import { advanceCursor, isTakenIn, lockCursor, readCursor, recordIntake } from '../store/intake-tables.js';
import { emitReferralReceived } from './intake-events.js';

/** What one poll did, for the worker's log line (counts only: no patient data). */
export interface PollResult {
  pages: number;
  accepted: number;
  rejected: number;
}

/** One EHR referral read from a page, with what intake needs to decide on it. */
interface Candidate {
  readonly request: ServiceRequest & { id: string };
  readonly patient: (Patient & { id: string }) | undefined;
  /** The EHR Task it came with (task intake): write-back updates its status. */
  readonly task: (Task & { id: string }) | undefined;
}

/**
 * Polls one EHR connection for new referrals as SDOH Clinical Care has a performer do: the
 * peer-support ServiceRequests, or the Tasks the program owns (and the ServiceRequests they
 * focus on), changed since the cursor, sorted by `_lastUpdated`, following every `next` page.
 * Each page commits in one transaction: its intake records, the patient copies, the events that
 * ask the referral service for the referrals, and the cursor moved to the page's newest change.
 * A poll that fails half way has committed whole pages only and resumes after the last of them.
 * The cursor is searched with `ge`, not `gt`: resources changed in the same instant may fall on
 * both sides of a page boundary, and the intake record (keyed on the EHR's ServiceRequest URL)
 * makes the one seen twice a no-op.
 */
export class IntakePoller {
  constructor(
    private readonly db: Database,
    private readonly client: EhrFhirClient,
    /** The ehr-integration service's resources as the intake worker's system principal. */
    private readonly repository: Repository,
    private readonly logger: Logger,
    private readonly pageSize = 50,
  ) {}

  get connection(): EhrConnection {
    return this.client.connection;
  }

  async poll(): Promise<PollResult> {
    const result: PollResult = { pages: 0, accepted: 0, rejected: 0 };
    const { mode } = this.connection.intake;
    if (mode !== 'off') {
      await this.pollSource(mode, result);
    }
    return result;
  }

  private async pollSource(source: IntakeSource, result: PollResult): Promise<void> {
    const cursor = await readCursor(this.db, this.connection.id, source);
    let page: Bundle | undefined = (await this.client.search(source === 'task' ? 'Task' : 'ServiceRequest', {
      ...(source === 'task'
        ? { owner: this.connection.intake.owner ?? '' }
        : { code: `${PEER_SUPPORT_REFERRAL_CODE.system}|${PEER_SUPPORT_REFERRAL_CODE.code}` }),
      ...(cursor ? { _lastUpdated: `ge${cursor}` } : {}),
      _sort: '_lastUpdated',
      _count: this.pageSize,
    })) as unknown as Bundle;
    while (page) {
      const matches = (page.entry ?? [])
        .filter((entry) => entry.search?.mode !== 'include')
        .map((entry) => entry.resource)
        .filter((resource): resource is Resource & { id: string } => !!resource?.id);
      const candidates = await this.candidates(source, matches);
      const counts = await this.commitPage(source, candidates, newestChange(matches));
      result.pages += 1;
      result.accepted += counts.accepted;
      result.rejected += counts.rejected;
      page = (await this.client.nextPage(page as never)) as unknown as Bundle | undefined;
    }
  }

  /** The page's referrals not yet taken in, each with its EHR Patient (read before the transaction). */
  private async candidates(source: IntakeSource, matches: readonly Resource[]): Promise<Candidate[]> {
    const candidates: Candidate[] = [];
    for (const match of matches) {
      const request =
        source === 'task' ? await this.focusOf(match as Task) : (match as ServiceRequest & { id: string });
      if (
        !request ||
        (await isTakenIn(this.db, this.connection.id, ehrServiceRequestUrl(this.connection, request.id)))
      ) {
        continue;
      }
      const patientId = referredPatientId(request);
      candidates.push({
        request,
        patient: patientId ? await this.readPatient(patientId) : undefined,
        task: source === 'task' ? (match as Task & { id: string }) : undefined,
      });
    }
    return candidates;
  }

  private async focusOf(task: Task): Promise<(ServiceRequest & { id: string }) | undefined> {
    const match = /(?:^|\/)ServiceRequest\/([^/]+)$/.exec(task.focus?.reference ?? '');
    if (!match) {
      return undefined;
    }
    return (await this.readOrUndefined('ServiceRequest', match[1]!)) as
      (ServiceRequest & { id: string }) | undefined;
  }

  private async readPatient(id: string): Promise<(Patient & { id: string }) | undefined> {
    return (await this.readOrUndefined('Patient', id)) as (Patient & { id: string }) | undefined;
  }

  /** The EHR's resource, or undefined when the EHR says it has none (404, 410); other failures end the poll. */
  private async readOrUndefined(type: string, id: string): Promise<Resource | undefined> {
    try {
      return (await this.client.read(type, id)) as Resource;
    } catch (error) {
      if (error instanceof EhrFhirError && (error.status === 404 || error.status === 410)) {
        return undefined;
      }
      throw error;
    }
  }

  private async commitPage(
    source: IntakeSource,
    candidates: readonly Candidate[],
    newest: string | undefined,
  ): Promise<{ accepted: number; rejected: number }> {
    const counts = { accepted: 0, rejected: 0 };
    const { connection } = this;
    await this.db
      .transaction(async (tx) => {
        // Serialises overlapping polls of the same connection (two replicas): page by page.
        await lockCursor(tx, connection.id, source);
        for (const { request, patient, task } of candidates) {
          const ehrServiceRequest = ehrServiceRequestUrl(connection, request.id);
          const decision = decideIntake(request, patient);
          const copyId = patient && patientCopyId(connection, patient.id);
          if (decision.kind === 'later') {
            continue;
          }
          if (decision.kind === 'reject' || !copyId) {
            const reason =
              decision.kind === 'reject' ? decision.reason : 'the EHR patient id is too long to copy';
            if (
              await recordIntake(tx, {
                connectionId: connection.id,
                ehrServiceRequest,
                outcome: 'rejected',
                reason,
              })
            ) {
              counts.rejected += 1;
            }
            continue;
          }
          const copy = await this.savePatientCopy(tx, toPatientCopy(connection, patient!, copyId));
          const event = await emitReferralReceived(
            tx,
            ehrServiceRequest,
            toIntakeServiceRequest(connection, request, patient!),
            copy,
          );
          if (
            await recordIntake(tx, {
              connectionId: connection.id,
              ehrServiceRequest,
              outcome: 'accepted',
              eventId: event.id,
              ...(task ? { ehrTask: ehrUrl(connection, `Task/${task.id}`) } : {}),
            })
          ) {
            counts.accepted += 1;
          } else {
            // A concurrent poll took it in first: undo this one's copy and event with the transaction.
            throw new ConcurrentIntake();
          }
        }
        await advanceCursor(tx, connection.id, source, newest);
      })
      .catch((error: unknown) => {
        if (!(error instanceof ConcurrentIntake)) {
          throw error;
        }
        this.logger.info('intake page taken in by a concurrent poll', { connection: connection.id });
      });
    return counts;
  }

  /** The patient's copy, refreshed from the EHR on every intake. */
  private async savePatientCopy(tx: Queryable, copy: Patient & { id: string }): Promise<Patient> {
    try {
      await this.repository.read('Patient', copy.id, { q: tx });
    } catch (error) {
      if (error instanceof OperationOutcomeError && error.status === 404) {
        return this.repository.create(copy, { q: tx, id: copy.id });
      }
      throw error;
    }
    return this.repository.update(copy, undefined, { q: tx });
  }
}

class ConcurrentIntake extends Error {}

/** The greatest meta.lastUpdated on the page: where the next poll starts. */
function newestChange(resources: readonly Resource[]): string | undefined {
  return resources
    .map((resource) => resource.meta?.lastUpdated)
    .filter((value): value is string => !!value)
    .sort((a, b) => Date.parse(a) - Date.parse(b))
    .at(-1);
}
