import { randomUUID } from 'node:crypto';
import type { ServiceRequest, Task } from '@medplum/fhirtypes';

/** A valid referral ServiceRequest for a fresh patient, so each test works with its own data. */
export function serviceRequest(overrides: Partial<ServiceRequest> = {}): ServiceRequest {
  return {
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
    requester: { reference: 'Practitioner/clinician-1' },
    authoredOn: '2026-03-04T10:00:00Z',
    identifier: [
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'PLAC' }] },
        system: 'urn:peerbridge:test:placer',
        value: randomUUID(),
      },
    ],
    ...overrides,
  };
}

export function task(focus: string, patient: string, overrides: Partial<Task> = {}): Task {
  return {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
    focus: { reference: focus },
    for: { reference: patient },
    authoredOn: '2026-03-04T10:00:00Z',
    requester: { reference: 'Practitioner/clinician-1' },
    owner: { reference: 'Organization/peer-program' },
    ...overrides,
  };
}
