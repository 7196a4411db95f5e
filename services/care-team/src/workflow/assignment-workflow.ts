import type { CareTeam } from '@medplum/fhirtypes';
import {
  conflict,
  notFound,
  unprocessable,
  type Actor,
  type Database,
  type Repository,
} from '@peerbridge/shared';
import { ASSIGNABLE_REFERRAL_STATUSES } from '../domain/care-team-lifecycle.js';
import { assertCoordinator, type CallerRole } from '../domain/caller-role.js';
import { withCoordinator, withPeerSupporter } from '../fhir/care-team-resource.js';
import { lockCareTeamOfReferral, recordAssignment, updateCareTeamRow } from '../store/care-team-tables.js';
import { findReferral } from '../store/referral-tables.js';
import { adjustCaseload, findRosterEntry, hasValidCertification } from '../store/roster-tables.js';
import { emit } from './care-team-events.js';

export interface AssignmentRequest {
  readonly peerSupporterId: string;
  readonly reason: string | undefined;
  readonly override: boolean;
}

/**
 * Puts a peer supporter on a referral's care team (or replaces the one on it): the CareTeam
 * through the caller's repository, the care team and assignment rows, both caseloads, and the
 * event, in one transaction. The referral, the care team and the peer supporter are locked, so
 * two coordinators assigning at once cannot overfill a caseload or double-assign a referral.
 */
export class AssignmentWorkflow {
  constructor(private readonly db: Database) {}

  async assign(
    repo: Repository,
    role: CallerRole,
    actor: Actor,
    referralId: string,
    request: AssignmentRequest,
    mode: 'assign' | 'reassign',
    today: string = new Date().toISOString().slice(0, 10),
  ): Promise<CareTeam> {
    assertCoordinator(role, 'assign peer supporters');
    return this.db.transaction(async (tx) => {
      const referral = await findReferral(tx, referralId, { lock: true });
      if (!referral) {
        throw notFound(`Referral ${referralId} not found`);
      }
      if (!ASSIGNABLE_REFERRAL_STATUSES.includes(referral.status)) {
        throw conflict(
          `A peer supporter is assigned to an accepted or in-progress referral; this one is ${referral.status}`,
          'referralId',
        );
      }
      const team = await lockCareTeamOfReferral(tx, referralId);
      if (!team) {
        throw conflict(
          'The referral was accepted moments ago and its care team is not formed yet; try again',
          'referralId',
        );
      }
      if (mode === 'assign' && team.peerSupporterId) {
        throw conflict('The referral already has a peer supporter; reassign instead', 'referralId');
      }
      if (mode === 'reassign' && !team.peerSupporterId) {
        throw conflict('The referral has no peer supporter yet; assign one instead', 'referralId');
      }
      if (team.peerSupporterId === request.peerSupporterId) {
        throw conflict('That peer supporter is already on the care team', 'peerSupporterId');
      }
      const entry = await findRosterEntry(tx, request.peerSupporterId, { lock: true });
      if (!entry) {
        throw notFound(`Peer supporter ${request.peerSupporterId} not found`, 'peerSupporterId');
      }
      if (!entry.active || entry.role !== 'peer-supporter') {
        throw unprocessable(`${request.peerSupporterId} is not an active peer supporter`, 'peerSupporterId');
      }
      if (!(await hasValidCertification(tx, entry.id, today))) {
        throw unprocessable(
          `Peer supporter ${entry.id} holds no certification valid on ${today}`,
          'peerSupporterId',
        );
      }
      if (entry.activeCareTeams >= entry.maxCaseload && !request.override) {
        throw unprocessable(
          `Peer supporter ${entry.id}'s caseload is full (${entry.activeCareTeams} of ${entry.maxCaseload}); a coordinator may override with a reason`,
          'override',
        );
      }
      const at = new Date().toISOString();
      const current = await repo.read('CareTeam', team.id, { q: tx });
      const practitioner = await repo.read('Practitioner', entry.id, { q: tx });
      const name = practitioner.name?.[0];
      const display = [...(name?.given ?? []), name?.family ?? ''].join(' ').trim();
      let next = withPeerSupporter(current, `Practitioner/${entry.id}`, display, at);
      const coordinator = coordinatorReference(actor);
      if (coordinator) {
        next = withCoordinator(next, coordinator, at);
      }
      const stored = await repo.update({ ...next, id: team.id }, undefined, { q: tx });
      await updateCareTeamRow(tx, team.id, { status: 'active', peerSupporterId: entry.id, assignedAt: at });
      await recordAssignment(tx, {
        careTeamId: team.id,
        peerSupporterId: entry.id,
        patient: team.patient,
        at,
        reason: request.reason,
        override: request.override && entry.activeCareTeams >= entry.maxCaseload,
        actor,
      });
      await adjustCaseload(tx, entry.id, 1);
      if (team.peerSupporterId) {
        await adjustCaseload(tx, team.peerSupporterId, -1);
      }
      await emit(
        tx,
        mode === 'assign' ? 'careteam.assigned' : 'careteam.reassigned',
        { type: 'care-team', id: team.id },
        [stored],
      );
      return stored;
    });
  }
}

/** The assigning coordinator joins the team when their token names them as a Practitioner. */
function coordinatorReference(actor: Actor): string | undefined {
  return actor.fhirUser && /(^|\/)Practitioner\/[A-Za-z0-9\-.]{1,64}$/.test(actor.fhirUser)
    ? `Practitioner/${actor.fhirUser.split('/').at(-1)}`
    : undefined;
}
