import { describe, expect, it } from '@jest/globals';
import { actorOf } from './actor.js';

describe('actorOf', () => {
  it('when no auth context is set, then the actor is unknown (empty)', () => {
    expect(actorOf({})).toEqual({});
  });

  it('when the auth context names the user, subject and client, then all three are recorded', () => {
    const auth = {
      fhirUser: 'Practitioner/p1',
      subject: 'u-1',
      clientId: 'ehr-app',
      scopes: ['user/Task.u'],
    };
    expect(actorOf({ auth })).toEqual({ fhirUser: 'Practitioner/p1', subject: 'u-1', clientId: 'ehr-app' });
  });

  it('when the auth context holds values of the wrong type, then they are left out', () => {
    expect(actorOf({ auth: { fhirUser: 42, subject: '', clientId: 'backend' } })).toEqual({
      clientId: 'backend',
    });
    expect(actorOf({ auth: 'token' })).toEqual({});
  });
});
