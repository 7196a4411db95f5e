import type { CareTeam, Practitioner } from '@medplum/fhirtypes';
import {
  isCoordinatorRole,
  referralIdOfCareTeam,
  rosterRoleOf,
  ROSTER_CHANGED,
  type EventConsumer,
} from '@peerbridge/shared';
import { CARE_TEAM_COORDINATOR, PEER_SPECIALIST, REFERRER } from '../fhir/codes.js';
import { saveCareTeam, saveRosterMember } from '../store/care-team-view.js';

/**
 * Keeps what the care-team service's events say: each care team (its referral, patient, status,
 * current peer supporter, and the referring clinician and coordinator its safety alerts go to) and each roster member (their PractitionerRole, role, whether
 * active). Sessions are checked against these, never against the care-team service's tables.
 * Each resource is applied only when newer than what was applied (a stale event changes nothing).
 */
export const careTeamEventsConsumer: EventConsumer = {
  name: 'care-teams',
  eventTypes: [
    'careteam.proposed',
    'careteam.assigned',
    'careteam.reassigned',
    'careteam.closed',
    ROSTER_CHANGED,
  ],
  async handle(tx, event, delivery) {
    const resources = event.resources ?? [];
    const fresh = async (resource: { resourceType: string; id?: string; meta?: { versionId?: string } }) =>
      delivery.isNewer({
        reference: `${resource.resourceType}/${resource.id}`,
        versionId: resource.meta!.versionId!,
      });
    for (const team of resources.filter((r): r is CareTeam => r.resourceType === 'CareTeam')) {
      if (await fresh(team)) {
        const current = currentParticipant(team, PEER_SPECIALIST);
        await saveCareTeam(tx, {
          id: team.id!,
          referralId: referralIdOfCareTeam(team) ?? '',
          patient: team.subject!.reference!,
          status: team.status!,
          peerSupporterId: current?.member?.reference?.split('/').at(-1),
          referringClinician: currentParticipant(team, REFERRER)?.member?.reference,
          coordinator: currentParticipant(team, CARE_TEAM_COORDINATOR)?.member?.reference,
        });
      }
    }
    const role = rosterRoleOf(resources);
    const practitioner = resources.find((r): r is Practitioner => r.resourceType === 'Practitioner');
    if (role && practitioner && (await fresh(role))) {
      await saveRosterMember(tx, {
        practitionerId: practitioner.id!,
        roleId: role.id!,
        role: isCoordinatorRole(role) ? 'coordinator' : 'peer-supporter',
        active: role.active === true,
      });
    }
  },
};

/** The team's participant in `role` whose participation has not ended. */
function currentParticipant(team: CareTeam, role: { system: string; code: string }) {
  return team.participant?.find(
    (p) =>
      !p.period?.end && p.role?.[0]?.coding?.some((c) => c.system === role.system && c.code === role.code),
  );
}
