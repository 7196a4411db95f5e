import { randomUUID } from 'node:crypto';
import type { ServiceRequest } from '@medplum/fhirtypes';

/** A valid US Core / PeerBridge referral ServiceRequest for a new patient, as a request body. */
export function serviceRequestBody(): string {
  const serviceRequest: ServiceRequest = {
    resourceType: 'ServiceRequest',
    status: 'active',
    intent: 'order',
    category: [{ coding: [{ system: 'http://snomed.info/sct', code: '409063005', display: 'Counselling' }] }],
    code: {
      coding: [
        { system: 'http://snomed.info/sct', code: '461481000124109', display: 'Referral to peer support' },
      ],
    },
    subject: { reference: `Patient/${randomUUID()}` },
    requester: { reference: 'Practitioner/bench-clinician-1' },
    authoredOn: new Date().toISOString(),
    identifier: [
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'PLAC' }] },
        system: 'urn:peerbridge:bench:placer',
        value: randomUUID(),
      },
    ],
  };
  return JSON.stringify(serviceRequest);
}
