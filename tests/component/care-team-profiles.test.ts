import { describe, expect, it } from '@jest/globals';
import type {
  CareTeam,
  OperationOutcomeIssue,
  Practitioner,
  PractitionerRole,
  Resource,
} from '@medplum/fhirtypes';
import { createValidator, OperationOutcomeError } from '@peerbridge/shared';
import {
  CARE_TEAM_CATEGORY,
  CARE_TEAM_PROFILE,
  CARE_TEAM_ROLE,
  CASELOAD_CAPACITY_EXTENSION,
  CERTIFICATION_SYSTEM,
  LANGUAGE_SYSTEM,
  LIVED_EXPERIENCE_EXTENSION,
  LIVED_EXPERIENCE_SYSTEM,
  PEER_SPECIALIST,
  PRACTITIONER_PROFILE,
  PRACTITIONER_ROLE_PROFILE,
  PROGRAM_COORDINATOR,
  REFERRAL_IDENTIFIER_SYSTEM,
  TRAINING_HOURS_EXTENSION,
  TRAINING_QUALIFICATION,
} from '../../services/care-team/src/fhir/codes.js';

// The validator every service gets from the host: it loads fhir-profiles/ (care-team/ included)
// and the published value sets, as in production.
const validator = createValidator();

/** The issues the validator reports, or [] when the resource is valid against the profile. */
function issues(resource: Resource, profile: string): OperationOutcomeIssue[] {
  try {
    validator.validate(resource, profile);
    return [];
  } catch (error) {
    if (!(error instanceof OperationOutcomeError)) {
      throw error;
    }
    expect(error.status).toBe(400);
    return error.outcome.issue ?? [];
  }
}

const livedExperience = (code: string) => ({
  url: LIVED_EXPERIENCE_EXTENSION,
  valueCodeableConcept: { coding: [{ system: LIVED_EXPERIENCE_SYSTEM, code }] },
});

function practitioner(overrides: Partial<Practitioner> = {}): Practitioner {
  return {
    resourceType: 'Practitioner',
    active: true,
    name: [{ family: 'Rivera', given: ['Ana', 'Lucía'] }],
    communication: [
      { coding: [{ system: LANGUAGE_SYSTEM, code: 'es' }] },
      { coding: [{ system: LANGUAGE_SYSTEM, code: 'en' }] },
    ],
    qualification: [
      {
        identifier: [{ system: 'https://www.mhanational.org/ncps', value: 'NCPS-1234' }],
        code: { coding: [{ system: CERTIFICATION_SYSTEM, code: 'ncps' }] },
        period: { start: '2025-03-01', end: '2027-02-28' },
        issuer: { display: 'Mental Health America' },
      },
      {
        extension: [{ url: TRAINING_HOURS_EXTENSION, valueDecimal: 40.5 }],
        code: { coding: [TRAINING_QUALIFICATION], text: 'Intentional Peer Support core training' },
        period: { end: '2024-11-15' },
      },
    ],
    ...overrides,
  };
}

function practitionerRole(overrides: Partial<PractitionerRole> = {}): PractitionerRole {
  return {
    resourceType: 'PractitionerRole',
    active: true,
    practitioner: { reference: 'Practitioner/ps-1' },
    organization: { reference: 'Organization/peer-program' },
    code: [{ coding: [PEER_SPECIALIST] }],
    extension: [
      livedExperience('depression'),
      livedExperience('veteran'),
      { url: CASELOAD_CAPACITY_EXTENSION, valueUnsignedInt: 8 },
    ],
    availableTime: [
      { daysOfWeek: ['mon', 'wed'], availableStartTime: '09:00:00', availableEndTime: '17:00:00' },
    ],
    ...overrides,
  };
}

function careTeam(overrides: Partial<CareTeam> = {}): CareTeam {
  return {
    resourceType: 'CareTeam',
    identifier: [{ system: REFERRAL_IDENTIFIER_SYSTEM, value: 'referral-1' }],
    status: 'active',
    category: [{ coding: [CARE_TEAM_CATEGORY] }],
    name: 'Peer support',
    subject: { reference: 'Patient/p-1' },
    period: { start: '2026-01-05' },
    participant: [
      { role: [{ coding: [CARE_TEAM_ROLE.patient] }], member: { reference: 'Patient/p-1' } },
      { role: [{ coding: [CARE_TEAM_ROLE.referringClinician] }], member: { reference: 'Practitioner/dr-1' } },
      { role: [{ coding: [CARE_TEAM_ROLE.coordinator] }], member: { reference: 'PractitionerRole/coord-1' } },
      {
        role: [{ coding: [CARE_TEAM_ROLE.peerSupporter] }],
        member: { reference: 'PractitionerRole/ps-1' },
        period: { start: '2026-01-07' },
      },
    ],
    managingOrganization: [{ reference: 'Organization/peer-program' }],
    ...overrides,
  };
}

/** The resource without one of its elements (a spread with `undefined` would fail as a wrong type). */
function without<T extends object>(resource: T, key: keyof T): T {
  const copy = { ...resource };
  delete copy[key];
  return copy;
}

describe('care-team profiles, valid resources', () => {
  it('when a peer supporter with a certification and a training is a Practitioner, then it meets the Practitioner profile', () => {
    expect(issues(practitioner(), PRACTITIONER_PROFILE)).toEqual([]);
  });

  it('when a peer supporter with lived experience, capacity and availability is a PractitionerRole, then it meets the PractitionerRole profile', () => {
    expect(issues(practitionerRole(), PRACTITIONER_ROLE_PROFILE)).toEqual([]);
  });

  it('when a coordinator is a PractitionerRole without peer supporter extensions, then it meets the PractitionerRole profile', () => {
    const coordinator = practitionerRole({ code: [{ coding: [PROGRAM_COORDINATOR] }], extension: [] });
    expect(issues(without(coordinator, 'extension'), PRACTITIONER_ROLE_PROFILE)).toEqual([]);
  });

  it('when a care team has the patient, the referrer, the coordinator and the peer supporter, then it meets the CareTeam profile', () => {
    expect(issues(careTeam(), CARE_TEAM_PROFILE)).toEqual([]);
  });

  it('when a proposed care team has no peer supporter yet and its subject is an absolute Patient URL, then it meets the CareTeam profile', () => {
    const proposed = careTeam({
      status: 'proposed',
      subject: { reference: 'https://ehr.example.org/fhir/Patient/123' },
      participant: careTeam().participant!.slice(0, 3),
    });
    expect(issues(proposed, CARE_TEAM_PROFILE)).toEqual([]);
  });
});

describe('care-team profiles, broken resources', () => {
  it.each<[string, Practitioner, Partial<OperationOutcomeIssue>]>([
    ['no name', without(practitioner(), 'name'), { code: 'structure', expression: ['Practitioner.name'] }],
    [
      'a name without a given name',
      practitioner({ name: [{ family: 'Rivera' }] }),
      { code: 'invariant', expression: ['Practitioner.name[0]'] },
    ],
    [
      'negative training hours',
      practitioner({
        qualification: [
          {
            extension: [{ url: TRAINING_HOURS_EXTENSION, valueDecimal: -1 }],
            code: { coding: [TRAINING_QUALIFICATION] },
          },
        ],
      }),
      { code: 'invariant', expression: ['Practitioner.qualification[0].extension[0]'] },
    ],
    [
      'training hours as text',
      practitioner({
        qualification: [
          {
            extension: [{ url: TRAINING_HOURS_EXTENSION, valueString: '40' }],
            code: { coding: [TRAINING_QUALIFICATION] },
          },
        ],
      }),
      { code: 'structure', expression: ['Practitioner.qualification[0].extension[0].valueString'] },
    ],
  ])('when a Practitioner has %s, then the Practitioner profile rejects it there', (_, resource, issue) => {
    expect(issues(resource, PRACTITIONER_PROFILE)).toContainEqual(expect.objectContaining(issue));
  });

  it.each<[string, PractitionerRole, Partial<OperationOutcomeIssue>]>([
    [
      'no organization',
      without(practitionerRole(), 'organization'),
      { code: 'structure', expression: ['PractitionerRole.organization'] },
    ],
    [
      'no practitioner',
      without(practitionerRole(), 'practitioner'),
      { code: 'structure', expression: ['PractitionerRole.practitioner'] },
    ],
    [
      'no code',
      without(practitionerRole(), 'code'),
      { code: 'structure', expression: ['PractitionerRole.code'] },
    ],
    [
      'no active flag',
      without(practitionerRole(), 'active'),
      { code: 'structure', expression: ['PractitionerRole.active'] },
    ],
    [
      'an unknown lived experience',
      practitionerRole({ extension: [livedExperience('astrology')] }),
      { code: 'code-invalid', expression: ['PractitionerRole.extension[0].value[x].coding[0].code'] },
    ],
    [
      'a negative caseload capacity',
      practitionerRole({ extension: [{ url: CASELOAD_CAPACITY_EXTENSION, valueUnsignedInt: -1 }] }),
      { code: 'structure', expression: ['PractitionerRole.extension[0].value[x]'] },
    ],
    [
      'two caseload capacities',
      practitionerRole({
        extension: [
          { url: CASELOAD_CAPACITY_EXTENSION, valueUnsignedInt: 3 },
          { url: CASELOAD_CAPACITY_EXTENSION, valueUnsignedInt: 5 },
        ],
      }),
      { code: 'structure', expression: ['PractitionerRole.extension[1]'] },
    ],
    [
      'training hours, which belong on a qualification',
      practitionerRole({ extension: [{ url: TRAINING_HOURS_EXTENSION, valueDecimal: 2 }] }),
      { code: 'structure', expression: ['PractitionerRole.extension[0]'] },
    ],
  ])(
    'when a PractitionerRole has %s, then the PractitionerRole profile rejects it there',
    (_, resource, issue) => {
      expect(issues(resource, PRACTITIONER_ROLE_PROFILE)).toContainEqual(expect.objectContaining(issue));
    },
  );

  it.each<[string, CareTeam, Partial<OperationOutcomeIssue>]>([
    ['no status', without(careTeam(), 'status'), { code: 'structure', expression: ['CareTeam.status'] }],
    [
      'no category',
      without(careTeam(), 'category'),
      { code: 'structure', expression: ['CareTeam.category'] },
    ],
    ['no name', without(careTeam(), 'name'), { code: 'structure', expression: ['CareTeam.name'] }],
    ['no subject', without(careTeam(), 'subject'), { code: 'structure', expression: ['CareTeam.subject'] }],
    [
      'no participant',
      without(careTeam(), 'participant'),
      { code: 'structure', expression: ['CareTeam.participant'] },
    ],
    [
      'no identifier of its referral',
      careTeam({ identifier: [{ system: 'https://ehr.example.org/care-teams', value: 'ct-9' }] }),
      { code: 'invariant', expression: ['CareTeam'] },
    ],
    [
      'two referral identifiers',
      careTeam({
        identifier: [
          { system: REFERRAL_IDENTIFIER_SYSTEM, value: 'referral-1' },
          { system: REFERRAL_IDENTIFIER_SYSTEM, value: 'referral-2' },
        ],
      }),
      { code: 'invariant', expression: ['CareTeam'] },
    ],
    [
      'a Group as subject',
      careTeam({ subject: { reference: 'Group/g-1' } }),
      { code: 'invariant', expression: ['CareTeam.subject'] },
    ],
    [
      'a participant without a role',
      careTeam({ participant: [{ member: { reference: 'Patient/p-1' } }] }),
      { code: 'structure', expression: ['CareTeam.participant[0].role'] },
    ],
    [
      'a participant with two roles',
      careTeam({
        participant: [
          {
            role: [{ coding: [CARE_TEAM_ROLE.patient] }, { text: 'Subject' }],
            member: { reference: 'Patient/p-1' },
          },
        ],
      }),
      { code: 'structure', expression: ['CareTeam.participant.role'] },
    ],
    [
      'a participant without a member',
      careTeam({ participant: [{ role: [{ coding: [CARE_TEAM_ROLE.patient] }] }] }),
      { code: 'structure', expression: ['CareTeam.participant[0].member'] },
    ],
  ])('when a CareTeam has %s, then the CareTeam profile rejects it there', (_, resource, issue) => {
    expect(issues(resource, CARE_TEAM_PROFILE)).toContainEqual(expect.objectContaining(issue));
  });
});
