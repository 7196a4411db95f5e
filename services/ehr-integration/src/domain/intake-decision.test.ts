import { describe, expect, it } from '@jest/globals';
import type { Patient, ServiceRequest } from '@medplum/fhirtypes';
import { decideIntake, referredPatientId } from './intake-decision.js';

const patient: Patient = { resourceType: 'Patient', id: 'p1' };
const referral = (changes: Partial<ServiceRequest> = {}): ServiceRequest => ({
  resourceType: 'ServiceRequest',
  id: 'sr1',
  status: 'active',
  intent: 'order',
  code: { coding: [{ system: 'http://snomed.info/sct', code: '461481000124109' }] },
  subject: { reference: 'Patient/p1' },
  requester: { reference: 'Practitioner/dr-1' },
  ...changes,
});

describe('decideIntake', () => {
  it('when an active peer support order names a known patient and a clinician, then it is accepted', () => {
    expect(decideIntake(referral(), patient)).toEqual({ kind: 'accept' });
  });

  it('when the referral is a draft, then it is left for a later poll, not rejected', () => {
    expect(decideIntake(referral({ status: 'draft' }), patient)).toEqual({ kind: 'later' });
  });

  it.each([
    ['revoked', referral({ status: 'revoked' }), patient, 'the referral is revoked, not active'],
    ['a proposal', referral({ intent: 'proposal' }), patient, 'unknown intent proposal'],
    [
      'another service',
      referral({ code: { coding: [{ system: 'http://snomed.info/sct', code: '1' }] } }),
      patient,
      'not a peer support referral (SNOMED CT 461481000124109)',
    ],
    [
      'about a Group',
      referral({ subject: { reference: 'Group/g1' } }),
      patient,
      'no patient: subject does not reference a Patient',
    ],
    [
      'for a patient the EHR does not have',
      referral(),
      undefined,
      'no patient: the EHR has no Patient by the subject reference',
    ],
    [
      'from an Organization',
      referral({ requester: { reference: 'Organization/o1' } }),
      patient,
      'no referring clinician: requester does not reference a Practitioner',
    ],
    [
      'with notes longer than the referral keeps',
      referral({ note: [{ text: 'x'.repeat(2001) }] }),
      patient,
      'notes longer than 2000 characters',
    ],
  ])('when the referral is %s, then it is rejected with the reason', (_case, request, found, reason) => {
    expect(decideIntake(request, found)).toEqual({ kind: 'reject', reason });
  });

  it('when the subject is relative or absolute, then the EHR patient id is read from it', () => {
    expect(referredPatientId(referral())).toBe('p1');
    expect(
      referredPatientId(referral({ subject: { reference: 'https://ehr.example/fhir/Patient/p2' } })),
    ).toBe('p2');
    expect(referredPatientId(referral({ subject: { reference: 'Group/g1' } }))).toBeUndefined();
  });
});
