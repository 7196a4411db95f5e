import { randomUUID } from 'node:crypto';
import type { Appointment, Encounter } from '@medplum/fhirtypes';
import {
  conflict,
  forbidden,
  notFound,
  type Database,
  type Queryable,
  type Repository,
} from '@peerbridge/shared';
import { assertMayRunSessions, type CallerRole } from '../domain/caller-role.js';
import { assertValidSession, type SessionRequest } from '../domain/session.js';
import { plannedAppointment, sessionEncounter, type SessionParts } from '../fhir/session-to-fhir.js';
import { careTeamOfReferral, findRosterMember } from '../store/care-team-view.js';
import {
  findSession,
  findSessionOfAppointment,
  insertSession,
  listSessions,
  updateSession,
  type SessionAttendeeRow,
  type SessionFilter,
  type SessionRow,
} from '../store/session-tables.js';
import { emit } from './session-events.js';
import { sessionView, type SessionView } from './session-view.js';

interface Resolved {
  readonly attendees: readonly (SessionAttendeeRow & { field: string })[];
  readonly peerSupporterId: string;
  readonly peerSupporterRole: string;
}

/**
 * Sessions: planned ones as Appointments, logged ones as Encounters (a group: one for the group
 * and one per attendee, partOf it), each written through the caller's repository with its row
 * and event in one transaction. Who may run a session for whom is checked against the care
 * teams the care-team service's events describe.
 */
export class SessionWorkflow {
  constructor(private readonly db: Database) {}

  async plan(
    repo: Repository,
    role: CallerRole,
    request: SessionRequest,
    now = new Date(),
  ): Promise<SessionView> {
    assertMayRunSessions(role);
    assertValidSession(request, false, now);
    return this.db.transaction(async (tx) => {
      const resolved = await this.resolve(tx, role, request);
      const parts = this.parts(request, resolved);
      const appointment = await repo.create(plannedAppointment(parts, resolved.attendees), { q: tx });
      const row: SessionRow = {
        id: randomUUID(),
        kind: request.kind,
        status: 'planned',
        peerSupporterId: resolved.peerSupporterId,
        appointmentId: appointment.id,
        encounterId: undefined,
        attendees: resolved.attendees.map(({ field: _field, ...attendee }) => attendee),
        start: request.start,
      };
      await insertSession(tx, row);
      await emit(tx, 'session.planned', row.id, [appointment]);
      return sessionView(row, { appointment });
    });
  }

  async log(
    repo: Repository,
    role: CallerRole,
    request: SessionRequest & { appointmentId?: string },
    now = new Date(),
  ): Promise<SessionView> {
    assertMayRunSessions(role);
    assertValidSession(request, true, now);
    return this.db.transaction(async (tx) => {
      const planned = request.appointmentId
        ? await this.plannedSession(tx, request.appointmentId)
        : undefined;
      const resolved = await this.resolve(tx, role, request);
      const parts = this.parts(request, resolved);
      let appointment: Appointment | undefined;
      if (planned) {
        const current = await repo.readForWrite('Appointment', planned.appointmentId!, 'u', { q: tx });
        appointment = await repo.update(
          { ...current, id: planned.appointmentId!, status: 'fulfilled' },
          undefined,
          {
            q: tx,
          },
        );
      }
      const appointmentRef = appointment ? `Appointment/${appointment.id}` : undefined;
      const written: Encounter[] = [];
      let main: Encounter;
      let attendees: SessionAttendeeRow[];
      if (request.kind === 'one-to-one') {
        const [only] = resolved.attendees;
        main = await repo.create(
          sessionEncounter(parts, {
            subject: only!,
            ...(appointmentRef ? { appointment: appointmentRef } : {}),
          }),
          { q: tx },
        );
        written.push(main);
        attendees = [
          { referralId: only!.referralId, patient: only!.patient, attended: true, encounterId: main.id! },
        ];
      } else {
        main = await repo.create(
          sessionEncounter(parts, {
            referralIds: resolved.attendees.map((a) => a.referralId),
            ...(appointmentRef ? { appointment: appointmentRef } : {}),
          }),
          { q: tx },
        );
        written.push(main);
        attendees = [];
        for (const attendee of resolved.attendees) {
          const own = await repo.create(
            sessionEncounter(parts, {
              subject: attendee,
              partOf: `Encounter/${main.id}`,
              attended: attendee.attended,
            }),
            { q: tx },
          );
          written.push(own);
          attendees.push({
            referralId: attendee.referralId,
            patient: attendee.patient,
            attended: attendee.attended,
            encounterId: own.id!,
          });
        }
      }
      const row: SessionRow = {
        id: planned?.id ?? randomUUID(),
        kind: request.kind,
        status: 'completed',
        peerSupporterId: resolved.peerSupporterId,
        appointmentId: planned?.appointmentId,
        encounterId: main.id,
        attendees,
        start: request.start,
      };
      if (planned) {
        await updateSession(tx, row.id, { status: 'completed', encounterId: main.id!, attendees });
      } else {
        await insertSession(tx, row);
      }
      await emit(tx, 'session.logged', row.id, written);
      return sessionView(row, { encounter: main, ...(appointment ? { appointment } : {}) });
    });
  }

  async get(repo: Repository, id: string): Promise<SessionView> {
    const row = await findSession(this.db, id);
    if (!row) {
      throw notFound(`Session ${id} not found`);
    }
    return this.view(repo, this.db, row);
  }

  async list(
    repo: Repository,
    role: CallerRole,
    filter: Omit<SessionFilter, 'peerSupporterId' | 'patients'>,
  ): Promise<{ items: SessionView[]; total: number }> {
    const scoped: SessionFilter =
      role.kind === 'peer-supporter'
        ? { ...filter, peerSupporterId: role.practitionerId }
        : role.kind === 'program'
          ? filter
          : { ...filter, patients: repo.caller.patient ? [`Patient/${repo.caller.patient}`] : [] };
    const { rows, total } = await listSessions(this.db, scoped);
    const items: SessionView[] = [];
    for (const row of rows) {
      items.push(await this.view(repo, this.db, row));
    }
    return { items, total };
  }

  async cancel(repo: Repository, role: CallerRole, id: string, reason: string): Promise<SessionView> {
    return this.close(repo, role, id, 'cancelled', reason);
  }

  async noShow(repo: Repository, role: CallerRole, id: string): Promise<SessionView> {
    return this.close(repo, role, id, 'no-show', undefined);
  }

  /** A planned session that did not take place: cancelled (with a reason) or missed. */
  private async close(
    repo: Repository,
    role: CallerRole,
    id: string,
    to: 'cancelled' | 'no-show',
    reason: string | undefined,
  ): Promise<SessionView> {
    assertMayRunSessions(role);
    return this.db.transaction(async (tx) => {
      const row = await findSession(tx, id, { lock: true });
      if (!row) {
        throw notFound(`Session ${id} not found`);
      }
      if (role.kind === 'peer-supporter' && row.peerSupporterId !== role.practitionerId) {
        throw forbidden('A peer supporter changes only the sessions they run');
      }
      if (row.status !== 'planned' || !row.appointmentId) {
        throw conflict(
          `Only a planned session can be ${to === 'cancelled' ? 'cancelled' : 'missed'}; this one is ${row.status}`,
          'sessionId',
        );
      }
      if (to === 'no-show' && row.kind === 'group') {
        throw conflict(
          'A group session is logged with its absentees, not recorded as a no-show',
          'sessionId',
        );
      }
      const current = await repo.readForWrite('Appointment', row.appointmentId, 'u', { q: tx });
      const appointment = await repo.update(
        {
          ...current,
          id: row.appointmentId,
          status: to === 'cancelled' ? 'cancelled' : 'noshow',
          ...(reason ? { cancelationReason: { text: reason } } : {}),
        },
        undefined,
        { q: tx },
      );
      await updateSession(tx, id, { status: to });
      await emit(tx, to === 'cancelled' ? 'session.cancelled' : 'session.no-show', id, [appointment]);
      return sessionView({ ...row, status: to }, { appointment });
    });
  }

  private async view(repo: Repository, q: Queryable, row: SessionRow): Promise<SessionView> {
    // The primary resource through the caller's repository: a session they may not see is 404.
    const encounterId = this.encounterSeenBy(repo, row);
    const encounter = encounterId ? await repo.read('Encounter', encounterId, { q }) : undefined;
    const appointment = row.appointmentId
      ? await repo.read('Appointment', row.appointmentId, { q })
      : undefined;
    return sessionView(
      { ...row, attendees: this.attendeesSeenBy(repo, row) },
      { ...(encounter ? { encounter } : {}), ...(appointment ? { appointment } : {}) },
    );
  }

  /** In a patient's context, a group session's attendees are that patient: the others are not their business. */
  private attendeesSeenBy(repo: Repository, row: SessionRow): readonly SessionAttendeeRow[] {
    const patient = repo.caller.patient ? `Patient/${repo.caller.patient}` : undefined;
    return patient ? row.attendees.filter((attendee) => attendee.patient === patient) : row.attendees;
  }

  /**
   * The Encounter a caller sees a logged session by. Someone in a patient's context (a clinician
   * launched with the patient, a patient token) sees a group session by the patient's own
   * Encounter, partOf the group's: the group's has no subject, so it is not in their view.
   */
  private encounterSeenBy(repo: Repository, row: SessionRow): string | undefined {
    const patient = repo.caller.patient ? `Patient/${repo.caller.patient}` : undefined;
    const own =
      row.kind === 'group' && patient
        ? row.attendees.find((attendee) => attendee.patient === patient)?.encounterId
        : undefined;
    return own ?? row.encounterId;
  }

  private async plannedSession(tx: Queryable, appointmentId: string): Promise<SessionRow> {
    const planned = await findSessionOfAppointment(tx, appointmentId);
    if (!planned) {
      throw notFound(`No planned session has Appointment ${appointmentId}`, 'appointmentId');
    }
    if (planned.status !== 'planned') {
      throw conflict(`The planned session is ${planned.status}, not waiting to be logged`, 'appointmentId');
    }
    return planned;
  }

  /**
   * Each referral's care team, and who runs the session: the calling peer supporter, who must be
   * on every attendee's active care team (403 otherwise), or, for the program, the peer supporter
   * of the first attendee's care team.
   */
  private async resolve(
    tx: Queryable,
    role: CallerRole & { kind: 'program' | 'peer-supporter' },
    request: SessionRequest,
  ): Promise<Resolved> {
    const attendees: (SessionAttendeeRow & { field: string })[] = [];
    let peerSupporterId = role.kind === 'peer-supporter' ? role.practitionerId : undefined;
    for (const [index, attendee] of request.attendees.entries()) {
      const field = request.kind === 'group' ? `attendees[${index}].referralId` : 'referralId';
      const team = await careTeamOfReferral(tx, attendee.referralId);
      if (!team) {
        throw notFound(`Referral ${attendee.referralId} has no care team in the program`, field);
      }
      if (
        role.kind === 'peer-supporter' &&
        (team.status !== 'active' || team.peerSupporterId !== role.practitionerId)
      ) {
        throw forbidden(`The patient of referral ${attendee.referralId} is not on your caseload`);
      }
      if (team.status === 'inactive') {
        throw conflict(`The care team of referral ${attendee.referralId} has ended`, field);
      }
      peerSupporterId ??= team.peerSupporterId;
      attendees.push({
        referralId: attendee.referralId,
        patient: team.patient,
        attended: attendee.attended,
        field,
      });
    }
    if (!peerSupporterId) {
      throw conflict(
        'No peer supporter is assigned to run this session yet',
        request.kind === 'group' ? 'attendees' : 'referralId',
      );
    }
    const member = await findRosterMember(tx, peerSupporterId);
    if (!member) {
      throw conflict('The peer supporter is not yet known to this service; try again shortly', 'referralId');
    }
    return { attendees, peerSupporterId, peerSupporterRole: `PractitionerRole/${member.roleId}` };
  }

  private parts(request: SessionRequest, resolved: Resolved): SessionParts {
    return {
      kind: request.kind,
      mode: request.mode,
      start: request.start,
      end: request.end,
      topics: request.topics,
      note: request.note,
      peerSupporterRole: resolved.peerSupporterRole,
    };
  }
}
