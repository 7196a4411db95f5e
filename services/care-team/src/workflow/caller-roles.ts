import {
  ownPractitionerId,
  restrictionOf,
  type Audience,
  type AuthContext,
  type Queryable,
  type RequestMemo,
} from '@peerbridge/shared';
import type { CallerRole } from '../domain/caller-role.js';
import { CARE_TEAM, PRACTITIONER, PRACTITIONER_ROLE } from '../fhir/resource-definitions.js';
import { findRosterEntry } from '../store/roster-tables.js';

/**
 * Works out who a caller is to the program (domain/caller-role.ts) from the token and the
 * roster, and what that lets them see: the Audience every Repository of theirs is held to, so
 * that the REST API, the FHIR API and anything else reading for them apply the same rule. The
 * role is looked up once per request: pass the Repository's `memo`, as the Audience is passed it.
 */
export class CallerRoles {
  constructor(
    private readonly db: Queryable,
    private readonly baseUrl: string,
  ) {}

  roleOf(caller: AuthContext, memo: RequestMemo, q?: Queryable): Promise<CallerRole> {
    return memo.once('role', () => this.lookUpRole(caller, q ?? this.db));
  }

  private async lookUpRole(caller: AuthContext, q: Queryable): Promise<CallerRole> {
    if (caller.scopes.some((scope) => scope.context === 'patient')) {
      return { kind: 'patient' };
    }
    if (caller.scopes.some((scope) => scope.context === 'system')) {
      return { kind: 'program' };
    }
    const practitionerId = ownPractitionerId(caller.fhirUser, this.baseUrl);
    const entry = practitionerId ? await findRosterEntry(q, practitionerId) : undefined;
    if (entry?.active && entry.role === 'coordinator') {
      return { kind: 'program' };
    }
    if (entry?.active && entry.role === 'peer-supporter') {
      return { kind: 'peer-supporter', practitionerId: entry.id };
    }
    return { kind: 'clinician', fhirUser: caller.fhirUser, patient: caller.patient };
  }

  /** The AudienceRule for this service's Repositories. */
  readonly audience = async (
    caller: AuthContext,
    q: Queryable | undefined,
    memo: RequestMemo,
  ): Promise<Audience> => audienceOf(await this.roleOf(caller, memo, q));
}

/**
 * What each role sees of the care-team resources (patient-level tokens are held to their
 * patient's compartment by their scopes already):
 * - the program: everything;
 * - a peer supporter: the care teams they are (or were) on, their own Practitioner and role;
 * - a clinician: the care teams they are on or of the patient in their launch context, and the
 *   roster's Practitioners (names and qualifications, to know who is on a team), but not the
 *   PractitionerRoles, which hold a peer supporter's lived experience.
 */
export function audienceOf(role: CallerRole): Audience {
  switch (role.kind) {
    case 'program':
    case 'patient':
      return new Map();
    case 'peer-supporter': {
      const self = `Practitioner/${role.practitionerId}`;
      return new Map([
        [CARE_TEAM.type, restrictionOf(CARE_TEAM, [['participant', self]])],
        [PRACTITIONER.type, restrictionOf(PRACTITIONER, [['_id', role.practitionerId]])],
        [PRACTITIONER_ROLE.type, restrictionOf(PRACTITIONER_ROLE, [['practitioner', self]])],
      ]);
    }
    case 'clinician': {
      const alternatives: (readonly (readonly [string, string])[])[] = [];
      if (role.fhirUser) {
        alternatives.push([['participant', role.fhirUser]]);
      }
      if (role.patient) {
        alternatives.push([['patient', `Patient/${role.patient}`]]);
      }
      return new Map([
        [CARE_TEAM.type, alternatives.flatMap((query) => restrictionOf(CARE_TEAM, query))],
        [PRACTITIONER_ROLE.type, []],
      ]);
    }
  }
}
