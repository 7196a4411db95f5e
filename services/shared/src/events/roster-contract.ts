import type { PractitionerRole, Resource } from '@medplum/fhirtypes';

/**
 * What the care-team service's roster events say, read the same way by every service that keeps
 * a view of the roster (the encounter service's roles, every service's program coordinators).
 * Shared so that no service imports another.
 */

/** The event the care-team service emits with a member's Practitioner and PractitionerRole. */
export const ROSTER_CHANGED = 'roster.changed';

/**
 * A coordinator's PractitionerRole.code: PeerBridge care-team-role#program-coordinator
 * (fhir-profiles/care-team/CodeSystem-care-team-role.json), since NUCC, which codes a peer
 * supporter's role, has no code for running a peer support program.
 */
export const PROGRAM_COORDINATOR = {
  system: 'https://peerbridge.org/fhir/CodeSystem/care-team-role',
  code: 'program-coordinator',
} as const;

export function isCoordinatorRole(role: PractitionerRole): boolean {
  return (
    role.code?.some((concept) =>
      concept.coding?.some(
        (coding) => coding.system === PROGRAM_COORDINATOR.system && coding.code === PROGRAM_COORDINATOR.code,
      ),
    ) ?? false
  );
}

/** The member a roster event is about: their PractitionerRole, naming their Practitioner. */
export function rosterRoleOf(resources: readonly Resource[]): PractitionerRole | undefined {
  return resources.find((r): r is PractitionerRole => r.resourceType === 'PractitionerRole');
}
