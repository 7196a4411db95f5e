import type { Patient } from '@medplum/fhirtypes';
import { EHR_INTEGRATION_RESOURCES, INTAKE_WORKER } from '@peerbridge/ehr-integration';
import { createValidator, Repositories, type Database } from '@peerbridge/shared';
import { TEST_BASE_URL } from '../support/tokens.js';

// The ehr-integration service's data the route matrix calls routes on. Patient copies are
// read-only on /fhir (writes answer 405) and are made by intake from an EHR; the matrix has no
// EHR, so a copy is written as the intake worker writes one, through its system repository,
// under the patient's id (a patient token's `patient` names its copy).

let repositories: Repositories | undefined;

/** Called once by the matrix with its database, before any case is made. */
export function usePatientCopies(db: Database): void {
  repositories = new Repositories({
    db,
    schema: 'ehr_integration',
    definitions: EHR_INTEGRATION_RESOURCES,
    validator: createValidator(),
    baseUrl: TEST_BASE_URL,
  });
}

export async function patientCopy(_admin: unknown, patient: string): Promise<Patient & { id: string }> {
  if (!repositories) {
    throw new Error('usePatientCopies(db) first');
  }
  const intake = repositories.forSystem(INTAKE_WORKER);
  // One copy per patient, as intake keeps it: every case of the patient gets the same one.
  const existing = await intake.read('Patient', patient).catch(() => undefined);
  if (existing) {
    return existing as Patient & { id: string };
  }
  const copy = await intake.create<Patient>(
    {
      resourceType: 'Patient',
      identifier: [{ system: 'urn:oid:2.16.840.1.113883.3.9999.1', value: `MRN-${patient.slice(0, 8)}` }],
      name: [{ family: 'Matrix', given: ['Pat'] }],
      birthDate: '1990-01-01',
      link: [{ other: { reference: `https://ehr.example/fhir/Patient/${patient}` }, type: 'seealso' }],
    },
    { id: patient },
  );
  return copy as Patient & { id: string };
}
