import type { Practitioner, PractitionerRole } from '@medplum/fhirtypes';
import { parseSearchRequest, type Queryable, type Repository } from '@peerbridge/shared';
import type { PeerSupporter } from '../domain/peer-supporter.js';
import { PRACTITIONER, PRACTITIONER_ROLE } from '../fhir/resource-definitions.js';
import { profileFromFhir } from '../fhir/roster-from-fhir.js';

/**
 * The Practitioner and PractitionerRole of several roster members in two searches, through the
 * caller's repository (so the caller's audience applies: whoever they may not see is missing).
 */
export async function loadRosterResources(
  repo: Repository,
  ids: readonly string[],
  q?: Queryable,
): Promise<Map<string, { practitioner: Practitioner; role: PractitionerRole }>> {
  const found = new Map<string, { practitioner: Practitioner; role: PractitionerRole }>();
  if (ids.length === 0) {
    return found;
  }
  const count = String(ids.length);
  const options = q ? { q } : {};
  const practitioners = await repo.search<Practitioner>(
    parseSearchRequest(
      PRACTITIONER,
      [
        ['_id', ids.join(',')],
        ['_count', count],
        ['_total', 'none'],
      ],
      { strict: true },
    ),
    options,
  );
  const roles = await repo.search<PractitionerRole>(
    parseSearchRequest(
      PRACTITIONER_ROLE,
      [
        ['practitioner', ids.map((id) => `Practitioner/${id}`).join(',')],
        ['_count', count],
        ['_total', 'none'],
      ],
      { strict: true },
    ),
    options,
  );
  const roleOf = new Map(roles.matches.map((role) => [role.practitioner?.reference?.split('/')[1], role]));
  for (const practitioner of practitioners.matches) {
    const role = roleOf.get(practitioner.id);
    if (role) {
      found.set(practitioner.id!, { practitioner, role });
    }
  }
  return found;
}

/** A roster member from their resources and their current caseload. */
export function peerSupporterOf(
  practitioner: Practitioner,
  role: PractitionerRole,
  activeCareTeams: number,
): PeerSupporter {
  const lastUpdated = [practitioner.meta?.lastUpdated ?? '', role.meta?.lastUpdated ?? ''].sort().at(-1)!;
  return {
    ...profileFromFhir(practitioner, role),
    id: practitioner.id!,
    practitionerRoleId: role.id!,
    practitionerVersion: practitioner.meta?.versionId ?? '1',
    practitionerRoleVersion: role.meta?.versionId ?? '1',
    activeCareTeams,
    lastUpdated,
  };
}
