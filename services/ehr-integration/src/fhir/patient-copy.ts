import type { Identifier, Patient } from '@medplum/fhirtypes';
import type { EhrConnection } from '@peerbridge/shared';
import { ehrUrl } from './ehr-references.js';

const MR = { system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' };
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * The id of PeerBridge's copy of an EHR patient: the connection and the EHR's id, so that two
 * EHRs' patients with the same id never share one copy; undefined when it would not be a valid
 * FHIR id (over 64 characters).
 */
export function patientCopyId(connection: EhrConnection, ehrPatientId: string): string | undefined {
  const id = `${connection.id.replaceAll('_', '-')}.${ehrPatientId}`;
  return FHIR_ID.test(id) ? id : undefined;
}

/** The patient's MRNs: identifiers typed MR (v2-0203), as US Core and the sandbox EHR write them. */
export function medicalRecordNumbers(patient: Patient): Identifier[] {
  return (patient.identifier ?? []).filter(
    (identifier) =>
      identifier.value &&
      identifier.type?.coding?.some((coding) => coding.system === MR.system && coding.code === MR.code),
  );
}

/**
 * The read-only copy of a referred patient's demographics PeerBridge serves for a patient banner:
 * name, birth date, MRN and preferred language, nothing else of the EHR's record. `link` names
 * the EHR's Patient (absolute URL) it is a copy of.
 */
export function toPatientCopy(
  connection: EhrConnection,
  patient: Patient & { id: string },
  id: string,
): Patient & { id: string } {
  const preferred =
    patient.communication?.find((communication) => communication.preferred) ?? patient.communication?.[0];
  return {
    resourceType: 'Patient',
    id,
    identifier: medicalRecordNumbers(patient).map(({ use, type, system, value }) => ({
      ...(use ? { use } : {}),
      ...(type ? { type } : {}),
      ...(system ? { system } : {}),
      value,
    })),
    ...(patient.name ? { name: patient.name } : {}),
    ...(patient.birthDate ? { birthDate: patient.birthDate } : {}),
    ...(preferred ? { communication: [{ language: preferred.language, preferred: true }] } : {}),
    link: [{ other: { reference: ehrUrl(connection, `Patient/${patient.id}`) }, type: 'seealso' }],
  };
}
