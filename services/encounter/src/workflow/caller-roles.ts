import {
  ownPractitionerId,
  restrictionOf,
  type Audience,
  type AuthContext,
  type Queryable,
} from '@peerbridge/shared';
import type { CallerRole } from '../domain/caller-role.js';
import {
  APPOINTMENT,
  COMMUNICATION,
  ENCOUNTER,
  FLAG,
  OBSERVATION,
  QUESTIONNAIRE_RESPONSE,
} from '../fhir/resource-definitions.js';
import { findRosterMember, patientsOfPeerSupporter } from '../store/care-team-view.js';

/**
 * Who a caller is to the program, from the token and the roster as the care-team service's
 * events describe it; and the Audience every Repository of this service holds them to.
 */
export class CallerRoles {
  constructor(
    private readonly db: Queryable,
    private readonly baseUrl: string,
  ) {}

  async roleOf(caller: AuthContext, q: Queryable = this.db): Promise<CallerRole> {
    if (caller.scopes.some((scope) => scope.context === 'patient')) {
      return { kind: 'patient' };
    }
    if (caller.scopes.some((scope) => scope.context === 'system')) {
      return { kind: 'program' };
    }
    const practitionerId = ownPractitionerId(caller.fhirUser, this.baseUrl);
    const member = practitionerId ? await findRosterMember(q, practitionerId) : undefined;
    if (member?.active && member.role === 'coordinator') {
      return { kind: 'program' };
    }
    if (member?.active && member.role === 'peer-supporter') {
      return { kind: 'peer-supporter', practitionerId: member.practitionerId, roleId: member.roleId };
    }
    return { kind: 'clinician', patient: caller.patient };
  }

  readonly audience = async (caller: AuthContext, q: Queryable | undefined): Promise<Audience> => {
    const role = await this.roleOf(caller, q);
    const caseload =
      role.kind === 'peer-supporter' ? await patientsOfPeerSupporter(q ?? this.db, role.practitionerId) : [];
    return audienceOf(role, caseload);
  };
}

/** Outcomes and safety records are about a patient: whose a caller sees is decided per patient. */
const PATIENT_RECORDS = [QUESTIONNAIRE_RESPONSE, OBSERVATION, FLAG, COMMUNICATION];

/**
 * The program sees every session; a peer supporter the sessions they ran, and the outcomes and
 * safety records of the patients on their caseload (`caseload`); a clinician those of the
 * patient in their launch context; patient tokens stay in their compartment.
 */
export function audienceOf(role: CallerRole, caseload: readonly string[] = []): Audience {
  switch (role.kind) {
    case 'program':
    case 'patient':
      return new Map();
    case 'peer-supporter': {
      const self = `PractitionerRole/${role.roleId}`;
      return new Map([
        [ENCOUNTER.type, restrictionOf(ENCOUNTER, [['participant', self]])],
        [APPOINTMENT.type, restrictionOf(APPOINTMENT, [['actor', self]])],
        ...PATIENT_RECORDS.map(
          (definition) =>
            [
              definition.type,
              caseload.length > 0 ? restrictionOf(definition, [['patient', caseload.join(',')]]) : [],
            ] as const,
        ),
      ]);
    }
    case 'clinician': {
      const patient = role.patient ? `Patient/${role.patient}` : undefined;
      return new Map([
        [ENCOUNTER.type, patient ? restrictionOf(ENCOUNTER, [['patient', patient]]) : []],
        [APPOINTMENT.type, patient ? restrictionOf(APPOINTMENT, [['patient', patient]]) : []],
        ...PATIENT_RECORDS.map(
          (definition) =>
            [definition.type, patient ? restrictionOf(definition, [['patient', patient]]) : []] as const,
        ),
      ]);
    }
  }
}
