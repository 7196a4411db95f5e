import {
  ownPractitionerId,
  restrictionOf,
  type Audience,
  type AuthContext,
  type Queryable,
  type Redactions,
  type RequestMemo,
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
import { otherAttendeesRedaction, sessionContentRedaction } from '../fhir/session-redaction.js';
import { careTeamsOfPatient, findRosterMember, patientsOfPeerSupporter } from '../store/care-team-view.js';
import { consentingReferralsOfPatient } from '../store/referral-consent-view.js';

/**
 * Who a caller is to the program, from the token and the roster as the care-team service's
 * events describe it; and the Audience every Repository of this service holds them to. What it
 * looks up (the role, the caseload, the consenting referrals) is looked up once per request:
 * pass the Repository's `memo`, as the Audience and Redactions are passed it.
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
      return { kind: 'patient', patient: caller.patient };
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

  readonly audience = async (
    caller: AuthContext,
    q: Queryable | undefined,
    memo: RequestMemo,
  ): Promise<Audience> => {
    const role = await this.roleOf(caller, memo, q);
    return audienceOf(
      role,
      await this.caseloadOf(role, memo, q),
      await this.consentingReferrals(role, memo, q),
    );
  };

  /**
   * Whether a patient's records are in the caller's view at all: the Audience's rule for one
   * patient, so that a patient whose outcomes are yet to come is told apart from someone else's.
   */
  async patientInView(role: CallerRole, patient: string, memo: RequestMemo): Promise<boolean> {
    return (
      role.kind === 'program' || patientsInView(role, await this.caseloadOf(role, memo)).includes(patient)
    );
  }

  /**
   * What a caller is shown of each session: a clinician outside the program sees what was said
   * in a session (topics, note) only when the referral it is based on records consent to share
   * it with the care team; in a patient's context (a clinician's or the patient's own) a group
   * session's Appointment shows that patient only, not the other attendees; the program and peer
   * supporters see it whole.
   */
  readonly redactions = async (
    caller: AuthContext,
    q: Queryable | undefined,
    memo: RequestMemo,
  ): Promise<Redactions> => {
    const role = await this.roleOf(caller, memo, q);
    if ((role.kind !== 'clinician' && role.kind !== 'patient') || !role.patient) {
      return new Map();
    }
    const patient = `Patient/${role.patient}`;
    const ownReferrals = new Set(
      (await careTeamsOfPatient(q ?? this.db, patient)).map((team) => team.referralId),
    );
    const others = otherAttendeesRedaction(patient, ownReferrals);
    if (role.kind === 'patient') {
      return new Map([[APPOINTMENT.type, others]]);
    }
    const content = sessionContentRedaction(new Set(await this.consentingReferrals(role, memo, q)));
    return new Map([
      [ENCOUNTER.type, content],
      [APPOINTMENT.type, (resource) => others(content(resource))],
    ]);
  };

  /** For a peer supporter, the patients of the care teams they are (or were) on. */
  private async caseloadOf(role: CallerRole, memo: RequestMemo, q?: Queryable): Promise<string[]> {
    return role.kind === 'peer-supporter'
      ? memo.once('caseload', () => patientsOfPeerSupporter(q ?? this.db, role.practitionerId))
      : [];
  }

  /** For a clinician, the referrals of the patient in their launch context that record consent. */
  private async consentingReferrals(role: CallerRole, memo: RequestMemo, q?: Queryable): Promise<string[]> {
    const patient = role.kind === 'clinician' ? role.patient : undefined;
    return patient
      ? memo.once('consenting-referrals', () =>
          consentingReferralsOfPatient(q ?? this.db, `Patient/${patient}`),
        )
      : [];
  }
}

/** Outcomes and safety records are about a patient: whose a caller sees is decided per patient. */
const PATIENT_RECORDS = [QUESTIONNAIRE_RESPONSE, OBSERVATION, FLAG, COMMUNICATION];

/** The answers and the scores derived from them: disclosed to clinicians only with consent. */
const OUTCOME_RECORDS = [QUESTIONNAIRE_RESPONSE, OBSERVATION];

/**
 * Whose outcomes and safety records a caller other than the program sees (the program sees
 * everyone's): a peer supporter those of the patients on their caseload, a clinician or a patient
 * those of the patient in their launch context. Consent narrows what a clinician sees of them.
 */
export function patientsInView(
  role: Exclude<CallerRole, { kind: 'program' }>,
  caseload: readonly string[],
): readonly string[] {
  switch (role.kind) {
    case 'peer-supporter':
      return caseload;
    case 'clinician':
    case 'patient':
      return role.patient ? [`Patient/${role.patient}`] : [];
  }
}

/**
 * The program sees every session; a peer supporter the sessions they ran, and the outcomes and
 * safety records of the patients on their caseload (`caseload`); a clinician the sessions and
 * safety records of the patient in their launch context, and of that patient's outcomes those
 * based on a referral that records consent to share them (`consenting`, referral ids); patient
 * tokens stay in their compartment.
 */
export function audienceOf(
  role: CallerRole,
  caseload: readonly string[] = [],
  consenting: readonly string[] = [],
): Audience {
  switch (role.kind) {
    case 'program':
    case 'patient':
      return new Map();
    case 'peer-supporter': {
      const self = `PractitionerRole/${role.roleId}`;
      const patients = patientsInView(role, caseload);
      return new Map([
        [ENCOUNTER.type, restrictionOf(ENCOUNTER, [['participant', self]])],
        [APPOINTMENT.type, restrictionOf(APPOINTMENT, [['actor', self]])],
        ...PATIENT_RECORDS.map(
          (definition) =>
            [
              definition.type,
              patients.length > 0 ? restrictionOf(definition, [['patient', patients.join(',')]]) : [],
            ] as const,
        ),
      ]);
    }
    case 'clinician': {
      const [patient] = patientsInView(role, caseload);
      return new Map([
        [ENCOUNTER.type, patient ? restrictionOf(ENCOUNTER, [['patient', patient]]) : []],
        [APPOINTMENT.type, patient ? restrictionOf(APPOINTMENT, [['patient', patient]]) : []],
        ...[FLAG, COMMUNICATION].map(
          (definition) =>
            [definition.type, patient ? restrictionOf(definition, [['patient', patient]]) : []] as const,
        ),
        ...OUTCOME_RECORDS.map(
          (definition) =>
            [
              definition.type,
              patient && consenting.length > 0
                ? restrictionOf(definition, [
                    ['patient', patient],
                    ['based-on', consenting.map((id) => `ServiceRequest/${id}`).join(',')],
                  ])
                : [],
            ] as const,
        ),
      ]);
    }
  }
}
