import { randomUUID } from 'node:crypto';
import type { ServiceRequest } from '@medplum/fhirtypes';

export const COUNSELLING = { system: 'http://snomed.info/sct', code: '409063005', display: 'Counselling' };
export const EDUCATION = { system: 'http://snomed.info/sct', code: '409073007', display: 'Education' };

/**
 * A valid ServiceRequest for the given patient id, with its own placer identifier. It carries no
 * peer-support SNOMED code, so the referral service stores it as a plain ServiceRequest: these
 * tests are about authorizing FHIR interactions, which the referral rules (one Task per
 * referral, no deletes, no change of patient or status by PUT) would otherwise get in the way of.
 */
export function referralFor(patient: string, overrides: Partial<ServiceRequest> = {}): ServiceRequest {
  return {
    resourceType: 'ServiceRequest',
    status: 'active',
    intent: 'order',
    category: [{ coding: [COUNSELLING] }],
    code: { text: 'Referral to peer support' },
    subject: { reference: `Patient/${patient}` },
    requester: { reference: 'Practitioner/clinician-1' },
    authoredOn: '2026-03-04T10:00:00Z',
    identifier: [{ system: 'urn:peerbridge:test:placer', value: randomUUID() }],
    ...overrides,
  };
}
