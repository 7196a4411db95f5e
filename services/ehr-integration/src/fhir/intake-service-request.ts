import type { Patient, ServiceRequest } from '@medplum/fhirtypes';
import type { EhrConnection } from '@peerbridge/shared';
import { EHR_SERVICE_REQUEST_IDENTIFIER_SYSTEM, ehrServiceRequestUrl, ehrUrl } from './ehr-references.js';
import { medicalRecordNumbers } from './patient-copy.js';

/** The reason a referral carries when the EHR's stated none. */
export const NO_REASON_GIVEN = 'No reason given in the EHR referral';

/**
 * The ServiceRequest the referral service creates a PeerBridge referral from, made from the EHR's:
 * the elements a referral reads, with every reference made absolute on the EHR (patient,
 * referring clinician), the patient's MRN beside its reference, and the EHR's identity of the
 * ServiceRequest as an identifier. EHR-local references PeerBridge cannot follow (the performer
 * Organization, reasons, supporting info, encounter) are left out: the program is PeerBridge's own.
 */
export function toIntakeServiceRequest(
  connection: EhrConnection,
  request: ServiceRequest & { id: string },
  patient: Patient & { id: string },
): ServiceRequest {
  const [mrn] = medicalRecordNumbers(patient);
  return {
    resourceType: 'ServiceRequest',
    identifier: [
      ...(request.identifier ?? []),
      { system: EHR_SERVICE_REQUEST_IDENTIFIER_SYSTEM, value: ehrServiceRequestUrl(connection, request.id) },
    ],
    status: 'active',
    intent: request.intent,
    ...(request.category ? { category: request.category } : {}),
    code: request.code!,
    ...(request.priority ? { priority: request.priority } : {}),
    subject: {
      reference: ehrUrl(connection, `Patient/${patient.id}`),
      ...(mrn
        ? { identifier: { ...(mrn.type ? { type: mrn.type } : {}), system: mrn.system, value: mrn.value } }
        : {}),
    },
    ...(request.authoredOn ? { authoredOn: request.authoredOn } : {}),
    requester: { reference: ehrUrl(connection, request.requester!.reference!) },
    // A PeerBridge referral states a reason; an EHR referral without one says so, rather than guess.
    reasonCode: request.reasonCode?.length ? request.reasonCode : [{ text: NO_REASON_GIVEN }],
    ...(request.note ? { note: request.note } : {}),
    ...(request.occurrencePeriod ? { occurrencePeriod: request.occurrencePeriod } : {}),
    ...(request.orderDetail ? { orderDetail: request.orderDetail } : {}),
    ...(request.extension ? { extension: request.extension } : {}),
  };
}
