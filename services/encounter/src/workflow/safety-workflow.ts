import type { Communication, Flag, Reference } from '@medplum/fhirtypes';
import {
  badRequest,
  forbidden,
  notFound,
  ownPractitionerId,
  parseSearchRequest,
  type AuthContext,
  type Database,
  type Grant,
  type Queryable,
  type Repositories,
  type Repository,
} from '@peerbridge/shared';
import { alertRecipients } from '../domain/alert-recipients.js';
import type { CallerRole } from '../domain/caller-role.js';
import type { RaisedSafetyFlag, SafetyConcern, SafetyEscalation } from '../domain/safety-concern.js';
import {
  assertMayActOnFlag,
  assertMayRaiseConcern,
  assertOpen,
  assertValidConcern,
  type ConcernRequest,
} from '../domain/safety-flag.js';
import { PROGRAM_ORGANIZATION } from '../fhir/codes.js';
import { COMMUNICATION, FLAG } from '../fhir/resource-definitions.js';
import { FLAG_CATEGORY_SAFETY } from '../fhir/safety-codes.js';
import { flagFollowUp, resolvedFlag, safetyAlert, safetyFlag } from '../fhir/safety-to-fhir.js';
import {
  activeCoordinators,
  careTeamOfReferral,
  careTeamsOfPatient,
  type CareTeamView,
} from '../store/care-team-view.js';
import {
  findSafetyFlag,
  insertSafetyFlag,
  recordAcknowledgement,
  recordResolution,
  safetyFlagsById,
  type SafetyFlagRow,
} from '../store/safety-flag-tables.js';
import { findSession } from '../store/session-tables.js';
import { emitSafetyEvent } from './safety-events.js';
import { safetyFlagView, type SafetyFlagView } from './safety-flag-view.js';

/** The system principal an automatic escalation writes as (see `raise`). */
export const SAFETY_ESCALATION_PRINCIPAL = 'safety-escalation';

/**
 * Safety flags: raised (a Flag, the alert Communication to the care team and `safety.flagged`,
 * all in the transaction of whatever caused them), acknowledged, resolved and listed.
 */
export class SafetyWorkflow implements SafetyEscalation {
  constructor(
    private readonly db: Database,
    private readonly repositories: Repositories,
    private readonly baseUrl: string,
  ) {}

  /**
   * An automatic escalation (a PHQ-9 item 9 answer) is written by the system principal, so that
   * a caller whose token lacks Flag or Communication scopes can never drop the signal; a concern a
   * person raises is written through their own repository, under their own permissions.
   */
  async raise(tx: Queryable, repo: Repository, concern: SafetyConcern): Promise<RaisedSafetyFlag> {
    const writer =
      concern.source === 'phq-9-item-9' ? this.repositories.forSystem(SAFETY_ESCALATION_PRINCIPAL) : repo;
    const at = new Date().toISOString();
    const teams: CareTeamView[] = concern.referralId
      ? [await careTeamOfReferral(tx, concern.referralId)].filter((team) => team !== undefined)
      : await careTeamsOfPatient(tx, concern.patient);
    const recipients = alertRecipients(teams, await activeCoordinators(tx), PROGRAM_ORGANIZATION);
    const flag = (await writer.create(safetyFlag(concern, at), { q: tx })) as Flag & { id: string };
    const communication = await writer.create(safetyAlert(concern, flag, recipients, at), {
      q: tx,
      partOf: { resourceType: 'Flag', action: 'c' },
    });
    await insertSafetyFlag(tx, {
      flagId: flag.id,
      patient: concern.patient,
      alertId: communication.id!,
      source: concern.source,
      urgency: concern.urgency,
      status: 'active',
      raisedAt: at,
    });
    await emitSafetyEvent(tx, 'safety.flagged', flag.id, [flag, communication]);
    return { flag, communication };
  }

  /** `raiseSafetyConcern`: a peer supporter about a patient on their caseload, or the program about anyone. */
  async raiseConcern(repo: Repository, role: CallerRole, request: ConcernRequest): Promise<SafetyFlagView> {
    assertMayRaiseConcern(role);
    assertValidConcern(request);
    return this.db.transaction(async (tx) => {
      const patient = await this.concernedPatient(tx, role, request);
      const session = request.sessionId ? await this.sessionOf(tx, request.sessionId, patient) : undefined;
      const raisedBy =
        role.kind === 'peer-supporter'
          ? `Practitioner/${role.practitionerId}`
          : this.practitionerOf(repo.caller);
      const raised = await this.raise(tx, repo, {
        patient,
        description: request.description.trim(),
        urgency: request.urgency,
        source: 'peer-supporter',
        about: session ? [session] : [],
        ...(session?.reference?.startsWith('Encounter/') ? { encounter: session } : {}),
        ...(raisedBy ? { raisedBy: { reference: raisedBy } } : {}),
        ...(request.referralId ? { referralId: request.referralId } : {}),
      });
      const row = await findSafetyFlag(tx, raised.flag.id!);
      return safetyFlagView(row!, raised.flag, raised.communication);
    });
  }

  /** `acknowledgeSafetyFlag`: the first acknowledgement is recorded (who, when); a repeat changes nothing. */
  async acknowledge(repo: Repository, role: CallerRole, flagId: string): Promise<SafetyFlagView> {
    assertMayActOnFlag(role);
    return this.db.transaction(async (tx) => {
      const row = await this.lockedFlag(tx, flagId);
      const partOf = { resourceType: 'Communication', action: 'c' } as const;
      const flag = await repo.readForWrite('Flag', flagId, 'u', { q: tx, partOf });
      assertOpen(row.status, 'acknowledged');
      const alert = await repo.read('Communication', row.alertId, { q: tx, partOf });
      if (row.acknowledgedBy) {
        return safetyFlagView(row, flag, alert);
      }
      const at = new Date().toISOString();
      const by = this.actorOf(repo.caller);
      const note = await this.followUp(tx, repo, {
        row,
        alert,
        text: 'Safety flag acknowledged',
        at,
        partOf,
      });
      await recordAcknowledgement(tx, flagId, by, at);
      await emitSafetyEvent(tx, 'safety.acknowledged', flagId, [note]);
      return safetyFlagView({ ...row, acknowledgedBy: by, acknowledgedAt: at }, flag, alert);
    });
  }

  /** `resolveSafetyFlag`: the Flag becomes inactive with its period ended, and the reason is sent to the care team. */
  async resolve(repo: Repository, role: CallerRole, flagId: string, reason: string): Promise<SafetyFlagView> {
    assertMayActOnFlag(role);
    if (reason.trim() === '') {
      throw badRequest('Resolving a safety flag needs a reason', 'reason');
    }
    return this.db.transaction(async (tx) => {
      const row = await this.lockedFlag(tx, flagId);
      const current = await repo.readForWrite('Flag', flagId, 'u', { q: tx });
      assertOpen(row.status, 'resolved');
      const partOf = { resourceType: 'Flag', action: 'u' } as const;
      const alert = await repo.read('Communication', row.alertId, { q: tx, partOf });
      const at = new Date().toISOString();
      const by = this.actorOf(repo.caller);
      const flag = await repo.update(resolvedFlag(current as Flag & { id: string }, at), undefined, {
        q: tx,
      });
      const text = `Safety flag resolved: ${reason.trim()}`;
      const note = await this.followUp(tx, repo, { row, alert, text, at, partOf });
      await recordResolution(tx, flagId, by, at);
      await emitSafetyEvent(tx, 'safety.resolved', flagId, [flag, note]);
      return safetyFlagView(
        { ...row, status: 'resolved', resolvedBy: by, resolvedAt: at },
        flag,
        alert,
        reason.trim(),
      );
    });
  }

  /** `listSafetyFlags`: the open flags the caller may see, newest first, of one patient or all. */
  async listOpen(
    repo: Repository,
    filter: { patient?: string; limit: number; offset: number },
  ): Promise<{ items: SafetyFlagView[]; total: number }> {
    const flags = await repo.search<Flag>(
      parseSearchRequest(
        FLAG,
        [
          ['status', 'active'],
          ['category', `${FLAG_CATEGORY_SAFETY.system}|${FLAG_CATEGORY_SAFETY.code}`],
          ...(filter.patient ? [['patient', filter.patient] as const] : []),
          // An open Flag is never changed after it is raised (an acknowledgement is a Communication),
          // so its last update is when it was raised; its period has no end to sort `date` by.
          ['_sort', '-_lastUpdated'],
          ['_count', String(filter.limit)],
          ['_offset', String(filter.offset)],
        ],
        { strict: true },
      ),
    );
    const rows = await safetyFlagsById(
      this.db,
      flags.matches.map((flag) => flag.id!),
    );
    const alertIds = [...rows.values()].map((row) => row.alertId);
    const alerts =
      alertIds.length === 0
        ? []
        : (
            await repo.search<Communication>(
              parseSearchRequest(
                COMMUNICATION,
                [
                  ['_id', alertIds.join(',')],
                  ['_count', String(alertIds.length)],
                ],
                {
                  strict: true,
                },
              ),
              { partOf: { resourceType: 'Flag', action: 's' } },
            )
          ).matches;
    const alertById = new Map(alerts.map((alert) => [alert.id!, alert]));
    const items = flags.matches.flatMap((flag) => {
      const row = rows.get(flag.id!);
      const alert = row && alertById.get(row.alertId);
      return row && alert ? [safetyFlagView(row, flag, alert)] : [];
    });
    return { items, total: flags.total ?? items.length };
  }

  /** A notification in response to the flag's alert, from the caller to the alert's recipients. */
  private followUp(
    tx: Queryable,
    repo: Repository,
    what: { row: SafetyFlagRow; alert: Communication; text: string; at: string; partOf: Grant },
  ): Promise<Communication> {
    return repo.create(
      flagFollowUp({
        patient: what.row.patient,
        flagId: what.row.flagId,
        alertId: what.row.alertId,
        sender: this.senderOf(repo.caller),
        recipients: what.alert.recipient ?? [],
        text: what.text,
        at: what.at,
      }),
      { q: tx, partOf: what.partOf },
    );
  }

  private async lockedFlag(tx: Queryable, flagId: string): Promise<SafetyFlagRow> {
    const row = await findSafetyFlag(tx, flagId, { lock: true });
    if (!row) {
      throw notFound(`Safety flag ${flagId} not found`, 'flagId');
    }
    return row;
  }

  /**
   * The patient a concern is about: the referral's (404 when the program has no care team for
   * it) or the one named. A peer supporter raises concerns only about patients on their active
   * care teams (403 otherwise).
   */
  private async concernedPatient(
    tx: Queryable,
    role: Extract<CallerRole, { kind: 'program' | 'peer-supporter' }>,
    request: ConcernRequest,
  ): Promise<string> {
    let teams: CareTeamView[];
    let patient: string;
    if (request.referralId) {
      const team = await careTeamOfReferral(tx, request.referralId);
      if (!team) {
        throw notFound(`Referral ${request.referralId} has no care team in the program`, 'referralId');
      }
      teams = [team];
      patient = team.patient;
    } else {
      patient = request.patient!;
      teams = await careTeamsOfPatient(tx, patient);
    }
    if (
      role.kind === 'peer-supporter' &&
      !teams.some((team) => team.status === 'active' && team.peerSupporterId === role.practitionerId)
    ) {
      throw forbidden('The patient is not on your caseload');
    }
    return patient;
  }

  /** The session's record for this patient: their Encounter once logged, else the Appointment. */
  private async sessionOf(tx: Queryable, sessionId: string, patient: string): Promise<Reference> {
    const session = await findSession(tx, sessionId);
    if (!session) {
      throw notFound(`Session ${sessionId} not found`, 'sessionId');
    }
    const attendee = session.attendees.find((a) => a.patient === patient);
    if (!attendee) {
      throw badRequest('The session is not one of this patient\u2019s', 'sessionId');
    }
    if (attendee.encounterId) {
      return { reference: `Encounter/${attendee.encounterId}` };
    }
    return { reference: `Appointment/${session.appointmentId}` };
  }

  private practitionerOf(caller: AuthContext): string | undefined {
    const id = ownPractitionerId(caller.fhirUser, this.baseUrl);
    return id ? `Practitioner/${id}` : undefined;
  }

  private senderOf(caller: AuthContext): Reference | undefined {
    const practitioner = this.practitionerOf(caller);
    return practitioner ? { reference: practitioner } : undefined;
  }

  /** Who acted, as recorded: their Practitioner, else the token's subject (a system client). */
  private actorOf(caller: AuthContext): string {
    return this.practitionerOf(caller) ?? caller.subject ?? 'unknown';
  }
}
