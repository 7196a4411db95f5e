import { describe, expect, it } from '@jest/globals';
import type { CareTeam, ServiceRequest } from '@medplum/fhirtypes';
import { consentReferenceOf, isReferenceTo, referralIdOfCareTeam } from './referral-contract.js';

const referral = (...supportingInfo: string[]): ServiceRequest => ({
  resourceType: 'ServiceRequest',
  status: 'active',
  intent: 'order',
  subject: { reference: 'Patient/p1' },
  supportingInfo: supportingInfo.map((reference) => ({ reference })),
});

describe('the referral contract', () => {
  it('when a referral references a Consent among its supporting information, then that is its consent', () => {
    expect(consentReferenceOf(referral('DocumentReference/d1', 'Consent/c1'))).toBe('Consent/c1');
    expect(consentReferenceOf(referral('https://ehr.example/fhir/Consent/c2/_history/3'))).toBe(
      'https://ehr.example/fhir/Consent/c2/_history/3',
    );
  });

  it('when no supporting information is a reference to a Consent, then the referral records no consent', () => {
    expect(consentReferenceOf(referral())).toBeUndefined();
    expect(consentReferenceOf(referral('DocumentReference/Consent'))).toBeUndefined();
    expect(consentReferenceOf(referral('Consent/'))).toBeUndefined();
    expect(consentReferenceOf(referral('Consent/a/b'))).toBeUndefined();
  });

  it('when a reference names a type, then isReferenceTo compares the type it names, not a prefix', () => {
    expect(isReferenceTo('Patient/123', 'Patient')).toBe(true);
    expect(isReferenceTo('PatientX/123', 'Patient')).toBe(false);
    expect(isReferenceTo(undefined, 'Patient')).toBe(false);
  });

  it("when a care team carries its referral's identifier, then that is its referral's id", () => {
    const team: CareTeam = {
      resourceType: 'CareTeam',
      identifier: [
        { system: 'https://ehr.example/care-teams', value: 'x' },
        { system: 'https://peerbridge.org/fhir/sid/referral', value: 'r1' },
      ],
    };
    expect(referralIdOfCareTeam(team)).toBe('r1');
    expect(referralIdOfCareTeam({ resourceType: 'CareTeam' })).toBeUndefined();
  });
});
