import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { Patient } from '@medplum/fhirtypes';
import { EHR_INTEGRATION_RESOURCES, INTAKE_WORKER } from '@peerbridge/ehr-integration';
import { createValidator, Repositories, type Database } from '@peerbridge/shared';
import { enqueueWriteBack, markDead } from '../../services/ehr-integration/src/store/write-back-tables.js';
import { TEST_BASE_URL } from '../support/tokens.js';

// The ehr-integration service's data the route matrix calls routes on. Patient copies are
// read-only on /fhir (writes answer 405) and are made by intake from an EHR; the matrix has no
// EHR, so a copy is written as the intake worker writes one, through its system repository,
// under the patient's id (a patient token's `patient` names its copy). Its admin API is called on
// one connection to an EHR nobody polls (intake off), whose dead letters are made as the
// write-back deliverer makes them.

/** The matrix's one EHR connection. */
export const MATRIX_EHR_CONNECTION = 'matrix-ehr';

/**
 * EHR_CONNECTIONS for the matrix: one connection, never contacted (no intake, and no write-back
 * types, so that no deliverer sends a replayed dead letter anywhere).
 */
export const MATRIX_EHR_CONNECTIONS = JSON.stringify([
  {
    id: MATRIX_EHR_CONNECTION,
    fhirBaseUrl: 'https://ehr.example/fhir',
    tokenEndpoint: 'https://ehr.example/token',
    clientId: 'peerbridge-matrix',
    privateKey: generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'jwk' }),
    alg: 'ES384',
    intake: { mode: 'off' },
  },
]);

let repositories: Repositories | undefined;
let database: Database | undefined;

/** Called once by the matrix with its database, before any case is made. */
export function usePatientCopies(db: Database): void {
  database = db;
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

/** The matrix connection's path parameter, for the admin API's per-connection operations. */
export async function matrixConnection(): Promise<Record<string, string>> {
  return { connectionId: MATRIX_EHR_CONNECTION };
}

/** A write the matrix EHR refused for good: a dead letter of the matrix connection, and its id. */
export async function writeBackDeadLetter(): Promise<Record<string, string>> {
  if (!database) {
    throw new Error('usePatientCopies(db) first');
  }
  const row = { resourceType: 'Encounter', resourceId: randomUUID() };
  const [dead] = await database.transaction(async (tx) => {
    await enqueueWriteBack(tx, {
      connectionId: MATRIX_EHR_CONNECTION,
      ...row,
      version: 1,
      resource: { resourceType: 'Encounter', id: row.resourceId, status: 'finished' } as never,
      referralId: undefined,
      withheld: false,
    });
    await markDead(tx, MATRIX_EHR_CONNECTION, row, 1, 'http-422', null);
    return tx.query<{ seq: string }>(
      `SELECT seq FROM ehr_integration.write_back WHERE connection_id = $1 AND resource_id = $2`,
      [MATRIX_EHR_CONNECTION, row.resourceId],
    );
  });
  return { connectionId: MATRIX_EHR_CONNECTION, deadLetterId: String(dead!.seq) };
}
