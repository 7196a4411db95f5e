import { describe, expect, it } from '@jest/globals';
import { createAuthContext, PatientContextMissingError } from './auth-context.js';

const ISS = 'https://ehr.example/auth';

describe('createAuthContext', () => {
  it('when the token holds a wildcard scope, then every type is granted that action and no other', () => {
    const auth = createAuthContext({ iss: ISS, scope: 'user/*.rs' });
    expect(auth.can('Task', 'r')).toBe(true);
    expect(auth.can('ServiceRequest', 's')).toBe(true);
    expect(auth.can('Task', 'u')).toBe(false);
  });

  it('when the token names client_id, sub and fhirUser, then the context carries them', () => {
    const auth = createAuthContext({
      iss: ISS,
      sub: 'user-7',
      client_id: 'referral-app',
      fhirUser: 'Practitioner/clinician-1',
      scope: 'openid',
    });
    expect([auth.subject, auth.clientId, auth.fhirUser]).toEqual([
      'user-7',
      'referral-app',
      'Practitioner/clinician-1',
    ]);
  });

  it('when only azp names the client, then it is the client id', () => {
    expect(createAuthContext({ iss: ISS, azp: 'backend-service' }).clientId).toBe('backend-service');
  });

  it('when the patient claim is written as Patient/123, then the patient id is 123', () => {
    expect(createAuthContext({ iss: ISS, scope: 'patient/Task.r', patient: 'Patient/123' }).patient).toBe(
      '123',
    );
  });

  it('when a patient/ scope comes without a patient claim, then the token is refused', () => {
    expect(() => createAuthContext({ iss: ISS, scope: 'patient/Task.r' })).toThrow(
      PatientContextMissingError,
    );
  });

  it('when the patient claim is not a FHIR id, then a patient/ scope is refused', () => {
    expect(() => createAuthContext({ iss: ISS, scope: 'patient/Task.r', patient: "1' OR '1'='1" })).toThrow(
      PatientContextMissingError,
    );
  });

  it('when the scope claim is not a string, then nothing is granted', () => {
    expect(createAuthContext({ iss: ISS, scope: ['user/*.*'] }).can('Task', 'r')).toBe(false);
  });
});
