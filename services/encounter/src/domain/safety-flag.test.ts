import { describe, expect, it } from '@jest/globals';
import type { CallerRole } from './caller-role.js';
import { assertMayActOnFlag, assertMayRaiseConcern, assertOpen, assertValidConcern } from './safety-flag.js';

const ROLES: Record<CallerRole['kind'], CallerRole> = {
  program: { kind: 'program' },
  'peer-supporter': { kind: 'peer-supporter', practitionerId: 'p', roleId: 'r' },
  clinician: { kind: 'clinician', patient: 'x' },
  patient: { kind: 'patient', patient: 'p-1' },
};

const statusOf = (fn: () => void) => {
  try {
    fn();
    return 'allowed';
  } catch (error) {
    return (error as { status: number }).status;
  }
};

describe('safety flag rules', () => {
  it('when each role raises a concern, then only peer supporters and the program may', () => {
    expect(Object.values(ROLES).map((role) => statusOf(() => assertMayRaiseConcern(role)))).toEqual([
      'allowed',
      'allowed',
      403,
      403,
    ]);
  });

  it('when each role acts on a flag, then only the program and clinicians may', () => {
    expect(Object.values(ROLES).map((role) => statusOf(() => assertMayActOnFlag(role)))).toEqual([
      'allowed',
      403,
      'allowed',
      403,
    ]);
  });

  it('when a concern is blank or names neither or both of patient and referral, then 400 names the field', () => {
    const concern = { description: 'Worried', urgency: 'urgent' as const };
    expect(() => assertValidConcern({ ...concern, patient: 'Patient/1', description: ' \n ' })).toThrow(
      expect.objectContaining({ status: 400, message: 'A safety concern needs a description' }),
    );
    for (const target of [{}, { patient: 'Patient/1', referralId: 'r1' }]) {
      expect(() => assertValidConcern({ ...concern, ...target })).toThrow(
        expect.objectContaining({ status: 400 }),
      );
    }
    expect(() => assertValidConcern({ ...concern, referralId: 'r1' })).not.toThrow();
  });

  it('when a flag is resolved, then it is neither acknowledged nor resolved again (409); an active one may be', () => {
    expect(statusOf(() => assertOpen('resolved', 'acknowledged'))).toBe(409);
    expect(statusOf(() => assertOpen('resolved', 'resolved'))).toBe(409);
    expect(statusOf(() => assertOpen('active', 'resolved'))).toBe('allowed');
  });
});
