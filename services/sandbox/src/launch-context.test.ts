import { describe, expect, it, jest } from '@jest/globals';
import { LaunchContextStore, decodeLaunch, encodeLaunch } from './launch-context.js';

describe('sandbox launch context', () => {
  it('when a launch is encoded and decoded, then the context comes back, with no banner by default', () => {
    expect(decodeLaunch(encodeLaunch({ patient: 'p-1', encounter: 'e.2' }))).toEqual({
      patient: 'p-1',
      encounter: 'e.2',
      need_patient_banner: false,
    });
    expect(decodeLaunch(encodeLaunch({ patient: 'p-1', need_patient_banner: true }))).toEqual({
      patient: 'p-1',
      need_patient_banner: true,
    });
  });

  it.each([
    ['not base64 JSON', 'not-a-launch'],
    ['no patient', Buffer.from('{"encounter":"e1"}').toString('base64url')],
    ['a patient id that is no FHIR id', Buffer.from('{"patient":"a b"}').toString('base64url')],
    ['an array', Buffer.from('["p1"]').toString('base64url')],
    [
      'a banner flag that is not boolean',
      Buffer.from('{"patient":"p1","need_patient_banner":"yes"}').toString('base64url'),
    ],
  ])('when the launch holds %s, then it is refused', (_case, launch) => {
    expect(decodeLaunch(launch)).toBeUndefined();
  });

  it('when a grant outlives the store lifetime, then its context is gone', () => {
    jest.useFakeTimers();
    try {
      const store = new LaunchContextStore(60);
      store.set('grant-1', { patient: 'p1', need_patient_banner: true });
      expect(store.get('grant-1')).toEqual({ patient: 'p1', need_patient_banner: true });
      jest.advanceTimersByTime(61_000);
      expect(store.get('grant-1')).toBeUndefined();
      expect(store.get(undefined)).toBeUndefined();
    } finally {
      jest.useRealTimers();
    }
  });
});
