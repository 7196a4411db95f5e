import type {
  Encounter,
  Observation,
  OperationOutcomeIssue,
  PractitionerRole,
  QuestionnaireResponse,
  Reference,
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
import { emitOutcomeRecorded } from './outcome-events.js';

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
    return this.db.transaction(async (tx) => {
      const team = await careTeamOfReferral(tx, request.referralId);
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
        ? await this.sessionEncounter(tx, request.sessionId, request.referralId)
        : undefined;
      const author = await this.authorOf(tx, repo, role);
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
      return this.store(tx, repo, instrument, response, result);
    });
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
    const result = scoreResponse(instrument, response);
    const store = (tx: Queryable) => this.store(tx, repo, instrument, response, result);
    return q ? store(q) : this.db.transaction(store);
  }

  private async store(
    tx: Queryable,
    repo: Repository,
    instrument: Instrument,
    response: QuestionnaireResponse,
    result: ScoringResult,
  ): Promise<StoredOutcome> {
    const stored = (await repo.create(response, { q: tx })) as QuestionnaireResponse & { id: string };
    const reference: Reference<QuestionnaireResponse> = { reference: `QuestionnaireResponse/${stored.id}` };
    const observations: Observation[] = [];
    if (result.kind === 'scored') {
      const basedOn = (stored.basedOn ?? []).filter((ref) => ref.reference?.startsWith('ServiceRequest/'));
      for (const observation of toOutcomeObservations(instrument, result, {
        subject: stored.subject as NonNullable<Observation['subject']>,
        // A Device may author a response but not perform an Observation: it is then left out.
        ...(stored.author && !stored.author.reference?.startsWith('Device/')
          ? { performer: [stored.author as Reference<PractitionerRole>] }
          : {}),
        effective: stored.authored!,
        questionnaireResponse: reference,
        ...(stored.encounter ? { encounter: stored.encounter } : {}),
      })) {
        observations.push(
          await repo.create({ ...observation, ...(basedOn.length ? { basedOn } : {}) }, { q: tx }),
        );
      }
    }
    const concern = phq9SafetyConcern(result.item9, {
      patient: stored.subject!.reference!,
      questionnaireResponse: reference,
      ...(stored.author ? { raisedBy: stored.author } : {}),
      ...(stored.encounter ? { encounter: stored.encounter } : {}),
    });
    if (concern) {
      await this.safety.raise(tx, repo, concern);
    }
    await emitOutcomeRecorded(tx, stored.id, [stored, ...observations]);
    return {
      instrument,
      questionnaireResponse: stored,
      observations,
      ...(result.kind === 'scored' ? { scored: result } : {}),
      safetyFlagRaised: concern !== undefined,
      issues: result.kind === 'unscorable' ? scoringIssues(result.problems, 'warning') : [],
    };
  }

  /** The patient's own Encounter of the session (a group's attendee has one of their own). */
  private async sessionEncounter(
    tx: Queryable,
    sessionId: string,
    referralId: string,
  ): Promise<Reference<Encounter> | undefined> {
    const session = await findSession(tx, sessionId);
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
    tx: Queryable,
    repo: Repository,
    role: CallerRole,
  ): Promise<Reference<PractitionerRole> | undefined> {
    if (role.kind === 'peer-supporter') {
      return { reference: `PractitionerRole/${role.roleId}` };
    }
    const practitionerId = ownPractitionerId(repo.caller.fhirUser, this.baseUrl);
    const member = practitionerId ? await findRosterMember(tx, practitionerId) : undefined;
    return member ? { reference: `PractitionerRole/${member.roleId}` } : undefined;
  }
}
