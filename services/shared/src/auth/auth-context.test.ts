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

  it.each(['xPatient/123', ' abc', 'abc def', 'a'.repeat(65), ''])(
    'when the patient claim is %p, then it is not a patient id and a patient/ scope is refused',
    (patient) => {
      expect(() => createAuthContext({ iss: ISS, scope: 'patient/Task.r', patient })).toThrow(
        'patient/ scopes need a patient launch context in the token',
      );
    },
  );

  it('when the patient claim is a 64-character FHIR id, then it is the patient', () => {
    const id = 'A-b.9'.repeat(12) + 'abcd';
    expect(createAuthContext({ iss: ISS, scope: 'patient/Task.r', patient: id }).patient).toBe(id);
  });

  it('when only user/ scopes come without a patient, then the context has no patient and is accepted', () => {
    const auth = createAuthContext({ iss: ISS, scope: 'user/Task.r', patient: 'p-1' });
    expect(auth.patient).toBe('p-1');
    expect(createAuthContext({ iss: ISS, scope: 'user/Task.r' }).patient).toBeUndefined();
  });

  it('when claims are empty strings, then they count as absent, and azp stands in for an empty client_id', () => {
    const auth = createAuthContext({ iss: ISS, sub: '', client_id: '', azp: 'backend', fhirUser: '' });
    expect([auth.subject, auth.clientId, auth.fhirUser]).toEqual([undefined, 'backend', undefined]);
  });

  it('when claims are not strings, then they count as absent', () => {
    const auth = createAuthContext({ iss: ISS, sub: 7, client_id: {}, fhirUser: ['Practitioner/1'] });
    expect([auth.subject, auth.clientId, auth.fhirUser]).toEqual([undefined, undefined, undefined]);
  });

  it('when a scope names one type, then it grants that type only, and grants lists the scopes that grant', () => {
    const auth = createAuthContext({ iss: ISS, scope: 'user/Task.rs user/*.r user/Patient.c' });
    expect(auth.grants('Task', 'r').map((scope) => scope.raw)).toEqual(['user/Task.rs', 'user/*.r']);
    expect(auth.grants('Patient', 's')).toEqual([]);
    expect(auth.can('Patient', 'c')).toBe(true);
    expect(auth.can('Task', 'c')).toBe(false);
    expect(auth.scopes.map((scope) => scope.raw)).toEqual(['user/Task.rs', 'user/*.r', 'user/Patient.c']);
  });

  it('when the same grant is asked for twice, then the answer is the one worked out the first time', () => {
    const auth = createAuthContext({ iss: ISS, scope: 'user/Task.rs' });
    expect(auth.grants('Task', 'r')).toBe(auth.grants('Task', 'r'));
    expect(auth.grants('Task', 's')).not.toBe(auth.grants('Task', 'r'));
  });

  it('when the context is built, then it is frozen and names its issuer', () => {
    const auth = createAuthContext({ iss: ISS });
    expect(Object.isFrozen(auth)).toBe(true);
    expect(auth.issuer).toBe(ISS);
  });
});
