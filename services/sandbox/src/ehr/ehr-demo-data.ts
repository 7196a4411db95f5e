import type { Organization, Patient, Practitioner, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';

/**
 * The sandbox EHR's demo data: a clinic, its clinicians, a dozen patients with MRNs and preferred
 * languages, and peer-support referrals waiting for PeerBridge (ServiceRequest with SNOMED CT
 * 461481000124109, each with an EHR-owned Task whose owner is the peer support program, as SDOH
 * Clinical Care has the performer poll `Task?owner=…`). Fixed ids, so demos and tests can name them.
 * Made up: no real person.
 */
export const EHR_CLINIC_ID = 'riverside-clinic';
/** The peer support program as the EHR knows it: the owner of the referral Tasks. */
export const EHR_PROGRAM_ID = 'peerbridge-program';
export const EHR_MRN_SYSTEM = 'urn:oid:2.16.840.1.113883.3.9999.1';
export const PEER_SUPPORT_REFERRAL = {
  system: 'http://snomed.info/sct',
  code: '461481000124109',
  display: 'Referral to peer support (procedure)',
} as const;

const MR = {
  system: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  code: 'MR',
  display: 'Medical record number',
};
const LANGUAGE_SYSTEM = 'urn:ietf:bcp:47';

const PATIENTS: readonly [
  given: string,
  family: string,
  gender: Patient['gender'],
  birthDate: string,
  language: [string, string],
][] = [
  ['Amara', 'Okafor', 'female', '1987-03-14', ['en', 'English']],
  ['Luis', 'Hernández', 'male', '1975-11-02', ['es', 'Spanish']],
  ['Linh', 'Nguyen', 'female', '1992-06-21', ['vi', 'Vietnamese']],
  ['Wei', 'Chen', 'male', '1968-01-30', ['zh', 'Chinese']],
  ['Fatima', 'Haddad', 'female', '2001-09-09', ['ar', 'Arabic']],
  ['Dmitri', 'Volkov', 'male', '1983-12-17', ['ru', 'Russian']],
  ['Ji-woo', 'Park', 'other', '1996-04-05', ['ko', 'Korean']],
  ['Jean', 'Baptiste', 'male', '1959-07-23', ['ht', 'Haitian Creole']],
  ['Ana', 'Souza', 'female', '1990-02-11', ['pt', 'Portuguese']],
  ['Hodan', 'Abdi', 'female', '1979-10-28', ['so', 'Somali']],
  ['Maria', 'Santos', 'female', '1985-05-19', ['tl', 'Tagalog']],
  ['Sam', 'Taylor', 'unknown', '2003-08-01', ['en', 'English']],
];

const CLINICIANS: readonly [id: string, given: string, family: string][] = [
  ['dr-rivera', 'Elena', 'Rivera'],
  ['dr-ahmed', 'Omar', 'Ahmed'],
  ['np-kowalski', 'Anna', 'Kowalski'],
];

/** Patients 1–4 have a referral waiting; each names its referring clinician. */
const REFERRALS: readonly [patient: number, clinician: string, authoredOn: string][] = [
  [1, 'dr-rivera', '2026-11-30T09:15:00Z'],
  [2, 'dr-ahmed', '2026-11-30T14:40:00Z'],
  [3, 'np-kowalski', '2026-12-01T10:05:00Z'],
  [4, 'dr-rivera', '2026-12-01T16:20:00Z'],
];

export function ehrPatientId(index: number): string {
  return `ehr-patient-${String(index).padStart(2, '0')}`;
}

export function ehrMrn(index: number): string {
  return `MRN${String(100_000 + index * 7)}`;
}

export function ehrDemoData(): Resource[] {
  const clinic: Organization = {
    resourceType: 'Organization',
    id: EHR_CLINIC_ID,
    active: true,
    name: 'Riverside Community Health Clinic',
    type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'prov' }] }],
  };
  const program: Organization = {
    resourceType: 'Organization',
    id: EHR_PROGRAM_ID,
    active: true,
    name: 'PeerBridge peer support program',
    type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'cg' }] }],
  };
  const clinicians = CLINICIANS.map(([id, given, family]): Practitioner => ({
    resourceType: 'Practitioner',
    id,
    active: true,
    name: [{ given: [given], family }],
  }));
  const patients = PATIENTS.map(([given, family, gender, birthDate, [code, display]], index): Patient => ({
    resourceType: 'Patient',
    id: ehrPatientId(index + 1),
    identifier: [{ use: 'usual', type: { coding: [MR] }, system: EHR_MRN_SYSTEM, value: ehrMrn(index + 1) }],
    active: true,
    name: [{ use: 'official', given: [given], family }],
    gender,
    birthDate,
    communication: [
      { language: { coding: [{ system: LANGUAGE_SYSTEM, code, display }], text: display }, preferred: true },
    ],
    managingOrganization: { reference: `Organization/${EHR_CLINIC_ID}` },
  }));
  const referrals = REFERRALS.flatMap(([patient, clinician, authoredOn], index) =>
    referral(index + 1, patient, clinician, authoredOn),
  );
  return [clinic, program, ...clinicians, ...patients, ...referrals];
}

function referral(
  number: number,
  patient: number,
  clinician: string,
  authoredOn: string,
): [ServiceRequest, Task] {
  const id = `ehr-referral-${number}`;
  const serviceRequest: ServiceRequest = {
    resourceType: 'ServiceRequest',
    id,
    identifier: [
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'PLAC' }] },
        system: 'urn:oid:2.16.840.1.113883.3.9999.2',
        value: `REF-${1000 + number}`,
      },
    ],
    status: 'active',
    intent: 'order',
    code: { coding: [{ ...PEER_SUPPORT_REFERRAL }] },
    subject: { reference: `Patient/${ehrPatientId(patient)}` },
    authoredOn,
    requester: { reference: `Practitioner/${clinician}` },
    performer: [{ reference: `Organization/${EHR_PROGRAM_ID}` }],
  };
  const task: Task = {
    resourceType: 'Task',
    id: `ehr-referral-task-${number}`,
    status: 'requested',
    intent: 'order',
    code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
    focus: { reference: `ServiceRequest/${id}` },
    for: { reference: `Patient/${ehrPatientId(patient)}` },
    authoredOn,
    requester: { reference: `Practitioner/${clinician}` },
    owner: { reference: `Organization/${EHR_PROGRAM_ID}` },
  };
  return [serviceRequest, task];
}
