import type { Practitioner, PractitionerRole } from '@medplum/fhirtypes';
import {
  handleOnce,
  newEvent,
  PROGRAM_COORDINATOR,
  programCoordinators,
  ROSTER_CHANGED,
  type Database,
} from '@peerbridge/shared';

/**
 * Hands a service's program-coordinators consumer the care-team service's roster.changed event
 * for a member, as the service's worker would deliver it: for tests of a service that runs
 * without the care-team service or without workers. The member is a coordinator unless `code`
 * says otherwise; `version` is their PractitionerRole's.
 */
export async function rosterChanged(
  db: Database,
  schema: string,
  practitionerId: string,
  role: { version?: number; active?: boolean; code?: { system: string; code: string } } = {},
): Promise<void> {
  const versionId = String(role.version ?? 1);
  const practitioner: Practitioner = {
    resourceType: 'Practitioner',
    id: practitionerId,
    meta: { versionId },
  };
  const practitionerRole: PractitionerRole = {
    resourceType: 'PractitionerRole',
    id: `role-of-${practitionerId}`,
    meta: { versionId },
    active: role.active ?? true,
    practitioner: { reference: `Practitioner/${practitionerId}` },
    code: [{ coding: [role.code ?? PROGRAM_COORDINATOR] }],
  };
  const event = newEvent({
    type: ROSTER_CHANGED,
    aggregate: { type: 'peer-supporter', id: practitionerId },
    resources: [practitioner, practitionerRole],
    carryResources: true,
  });
  await db.transaction((tx) => handleOnce(tx, schema, programCoordinators(schema), event, 1));
}
