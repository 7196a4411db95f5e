import { randomUUID } from 'node:crypto';
import type { ServiceRequest } from '@medplum/fhirtypes';

/**
 * A valid US Core / PeerBridge ServiceRequest for a new patient, as a request body. It is a plain
 * ServiceRequest, not a referral to peer support: the platform benchmark measures the FHIR store's
 * create, not the referral workflow (which also writes a Task, a transition and an outbox event).
 */
export function serviceRequestBody(): string {
  const serviceRequest: ServiceRequest = {
    resourceType: 'ServiceRequest',
    status: 'active',
    intent: 'order',
    category: [{ coding: [{ system: 'http://snomed.info/sct', code: '409063005', display: 'Counselling' }] }],
    code: { text: 'Community support group' },
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
