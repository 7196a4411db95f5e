import { randomUUID } from 'node:crypto';
import type {
  Encounter,
  Observation,
  OperationOutcomeIssue,
  PractitionerRole,
  QuestionnaireResponse,
  Reference,
  Resource,
} from '@medplum/fhirtypes';
import {
  badRequest,
  conflict,
  forbidden,
  invalidResource,
  notFound,
  ownPractitionerId,
  unprocessable,
  type Database,
  type Queryable,
  type Repository,
} from '@peerbridge/shared';
import { assertMayRecordOutcomes, type CallerRole } from '../domain/caller-role.js';
import { instrumentForCanonical, type Instrument } from '../domain/instruments/index.js';
import { toOutcomeObservations } from '../domain/observations.js';
import {
  authoredAt,
  requestExpression,
  responseItems,
  type OutcomeRequest,
} from '../domain/outcome-request.js';
import { phq9SafetyConcern } from '../domain/phq9-safety-signal.js';
import type { SafetyEscalation } from '../domain/safety-concern.js';
import { scoreResponse, type ScoredResponse, type ScoringResult } from '../domain/scoring.js';
import { scoringIssues } from '../domain/scoring-problem.js';
import { careTeamOfReferral, findRosterMember } from '../store/care-team-view.js';
import { findSession } from '../store/session-tables.js';
import { outcomeRecorded } from './outcome-events.js';

/** What was stored for one response. */
export interface StoredOutcome {
  readonly instrument: Instrument;
  readonly questionnaireResponse: QuestionnaireResponse & { id: string };
  readonly observations: readonly Observation[];
  /** Undefined when the response could not be scored (a FHIR create: stored without a score). */
  readonly scored?: ScoredResponse;
  readonly safetyFlagRaised: boolean;
  /** Warnings for the client: why it was not scored. */
  readonly issues: readonly OperationOutcomeIssue[];
}

/**
 * Outcome questionnaires: a completed QuestionnaireResponse checked against its instrument and
 * scored server-side, stored with the Observations of its score, a PHQ-9 item 9 safety flag
 * when its answer is above 0, and the `outcome.recorded` event, all in one transaction through
 * the caller's repository. The REST API refuses a response that cannot be scored; a FHIR create
 * stores it unscored (no Observations) and warns.
 */
export class OutcomeWorkflow {
  constructor(
    private readonly db: Database,
    private readonly safety: SafetyEscalation,
    private readonly baseUrl: string,
  ) {}

  /** `recordOutcome`: the referral's peer supporter or the program; 400 when it cannot be scored. */
  async record(
    repo: Repository,
    role: CallerRole,
    request: OutcomeRequest,
    now = new Date(),
  ): Promise<StoredOutcome> {
    assertMayRecordOutcomes(role);
    const instrument = instrumentForCanonical(request.questionnaire);
    if (!instrument) {
      throw badRequest(`${request.questionnaire} is not an instrument PeerBridge scores`, 'questionnaire');
    }
    const authored = authoredAt(request.authored, now);
    const item = responseItems(request.answers);
    // Scored before anything is read or written: bad answers change nothing.
    const result = scoreResponse(instrument, {
      resourceType: 'QuestionnaireResponse',
      status: 'completed',
      item,
    });
    if (result.kind === 'unscorable') {
      throw invalidResource(
        scoringIssues(result.problems, 'error').map((issue, index) => ({
          ...issue,
          expression: [requestExpression(result.problems[index]!)],
        })),
      );
    }
    // Reads only, outside a transaction: store() writes what follows from them atomically.
    const team = await careTeamOfReferral(this.db, request.referralId);
    if (!team) {
      throw notFound(`Referral ${request.referralId} has no care team in the program`, 'referralId');
    }
    if (
      role.kind === 'peer-supporter' &&
      (team.status !== 'active' || team.peerSupporterId !== role.practitionerId)
    ) {
      throw forbidden(`The patient of referral ${request.referralId} is not on your caseload`);
    }
    const encounter = request.sessionId
      ? await this.sessionEncounter(request.sessionId, request.referralId)
      : undefined;
    const author = await this.authorOf(repo, role);
    const response: QuestionnaireResponse = {
      resourceType: 'QuestionnaireResponse',
      questionnaire: `${instrument.canonical}|${instrument.version}`,
      status: 'completed',
      subject: { reference: team.patient },
      basedOn: [{ reference: `ServiceRequest/${request.referralId}` }],
      ...(encounter ? { encounter } : {}),
      authored,
      ...(author ? { author } : {}),
      item,
    };
    return this.store(undefined, repo, instrument, response, result);
  }

  /**
   * A FHIR create of a QuestionnaireResponse: completed and to one of PeerBridge's instruments
   * (422 otherwise). Who may create it for whom is the repository's rule. One that cannot be
   * scored is stored without Observations, with the reasons as warnings.
   */
  async createFromFhir(
    repo: Repository,
    response: QuestionnaireResponse,
    q: Queryable | undefined,
  ): Promise<StoredOutcome> {
    if (response.status !== 'completed') {
      throw unprocessable(
        `Only a completed QuestionnaireResponse is accepted; this one is ${response.status}`,
        'QuestionnaireResponse.status',
      );
    }
    const instrument = response.questionnaire ? instrumentForCanonical(response.questionnaire) : undefined;
    if (!instrument) {
      throw unprocessable(
        `${response.questionnaire ?? 'No questionnaire'} is not an instrument PeerBridge scores`,
        'QuestionnaireResponse.questionnaire',
      );
    }
    if (!response.subject?.reference?.startsWith('Patient/')) {
      throw unprocessable('An outcome questionnaire is about one patient', 'QuestionnaireResponse.subject');
    }
    return this.store(q, repo, instrument, response, scoreResponse(instrument, response));
  }

  /**
   * The response, the Observations of its score and `outcome.recorded` are one statement
   * (Repository.createAll), atomic without a transaction; when item 9 raises a safety concern,
   * its Flag and alert are written in one transaction with them (in `q` when the caller holds one).
   */
  private async store(
    q: Queryable | undefined,
    repo: Repository,
    instrument: Instrument,
    response: QuestionnaireResponse,
    result: ScoringResult,
  ): Promise<StoredOutcome> {
    // Ids chosen here, so that the Observations can be derived from the response they are written with.
    const responseId = randomUUID();
    const reference: Reference<QuestionnaireResponse> = { reference: `QuestionnaireResponse/${responseId}` };
    const basedOn = (response.basedOn ?? []).filter((ref) => ref.reference?.startsWith('ServiceRequest/'));
    const observations =
      result.kind === 'scored'
        ? toOutcomeObservations(instrument, result, {
            subject: response.subject as NonNullable<Observation['subject']>,
            // A Device may author a response but not perform an Observation: it is then left out.
            ...(response.author && !response.author.reference?.startsWith('Device/')
              ? { performer: [response.author as Reference<PractitionerRole>] }
              : {}),
            effective: response.authored!,
            questionnaireResponse: reference,
            ...(response.encounter ? { encounter: response.encounter } : {}),
          }).map((observation) => ({
            resource: { ...observation, ...(basedOn.length ? { basedOn } : {}) },
            id: randomUUID(),
          }))
        : [];
    const concern = phq9SafetyConcern(result.item9, {
      patient: response.subject!.reference!,
      questionnaireResponse: reference,
      ...(response.author ? { raisedBy: response.author } : {}),
      ...(response.encounter ? { encounter: response.encounter } : {}),
    });
    const write = async (tx: Queryable | undefined) => {
      const [stored, ...storedObservations] = await repo.createAll<Resource>(
        [{ resource: response, id: responseId }, ...observations],
        { q: tx, event: outcomeRecorded(responseId) },
      );
      if (concern) {
        await this.safety.raise(tx!, repo, concern);
      }
      return {
        instrument,
        questionnaireResponse: stored as QuestionnaireResponse & { id: string },
        observations: storedObservations as Observation[],
        ...(result.kind === 'scored' ? { scored: result } : {}),
        safetyFlagRaised: concern !== undefined,
        issues: result.kind === 'unscorable' ? scoringIssues(result.problems, 'warning') : [],
      };
    };
    return concern && !q ? this.db.transaction(write) : write(q);
  }

  /** The patient's own Encounter of the session (a group's attendee has one of their own). */
  private async sessionEncounter(
    sessionId: string,
    referralId: string,
  ): Promise<Reference<Encounter> | undefined> {
    const session = await findSession(this.db, sessionId);
    if (!session) {
      throw notFound(`Session ${sessionId} not found`, 'sessionId');
    }
    const attendee = session.attendees.find((candidate) => candidate.referralId === referralId);
    if (!attendee) {
      throw conflict(`Session ${sessionId} is not a session of referral ${referralId}`, 'sessionId');
    }
    return attendee.encounterId ? { reference: `Encounter/${attendee.encounterId}` } : undefined;
  }

  /** The peer supporter's PractitionerRole, or a coordinator's; a system client: none. */
  private async authorOf(
    repo: Repository,
    role: CallerRole,
  ): Promise<Reference<PractitionerRole> | undefined> {
    if (role.kind === 'peer-supporter') {
      return { reference: `PractitionerRole/${role.roleId}` };
    }
    const practitionerId = ownPractitionerId(repo.caller.fhirUser, this.baseUrl);
    const member = practitionerId ? await findRosterMember(this.db, practitionerId) : undefined;
    return member ? { reference: `PractitionerRole/${member.roleId}` } : undefined;
  }
}
