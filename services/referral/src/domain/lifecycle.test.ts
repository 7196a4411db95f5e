import { describe, expect, it } from '@jest/globals';
import { OperationOutcomeError } from '@peerbridge/shared';
import { assertTransition, isTerminal, serviceRequestStatusFor } from './lifecycle.js';
import { REFERRAL_STATUSES, type ReferralStatus } from './referral.js';

const FIELDS = { status: 'status', reason: 'reason' };

function errorOf(fn: () => void): OperationOutcomeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof OperationOutcomeError) return error;
    throw error;
  }
  throw new Error('expected an OperationOutcomeError');
}

const LEGAL: [ReferralStatus, ReferralStatus][] = [
  ['requested', 'accepted'],
  ['requested', 'rejected'],
  ['requested', 'cancelled'],
  ['accepted', 'in-progress'],
  ['accepted', 'on-hold'],
  ['accepted', 'cancelled'],
  ['in-progress', 'on-hold'],
  ['in-progress', 'completed'],
  ['in-progress', 'failed'],
  ['in-progress', 'cancelled'],
  ['on-hold', 'in-progress'],
  ['on-hold', 'cancelled'],
];
const isLegal = (from: ReferralStatus, to: ReferralStatus) => LEGAL.some(([f, t]) => f === from && t === to);
const ILLEGAL = REFERRAL_STATUSES.flatMap((from) =>
  REFERRAL_STATUSES.filter((to) => !isLegal(from, to)).map((to) => [from, to] as const),
);

describe('referral lifecycle', () => {
  it.each(LEGAL)(
    'when a referral moves from %s to %s with a reason, then the change is allowed',
    (from, to) => {
      expect(() => assertTransition(from, to, 'a reason', FIELDS)).not.toThrow();
    },
  );

  it.each(ILLEGAL)('when a referral moves from %s to %s, then 409 names the allowed targets', (from, to) => {
    const error = errorOf(() => assertTransition(from, to, 'a reason', FIELDS));
    expect(error.status).toBe(409);
    expect(error.outcome.issue?.[0]?.expression).toEqual(['status']);
    // Expected from this file's own LEGAL table, not from the code's ALLOWED_TRANSITIONS.
    const allowed = LEGAL.filter(([f]) => f === from).map(([, t]) => t);
    const options =
      allowed.length > 0 ? `allowed: ${allowed.join(', ')}` : `${from} is final; no change is allowed`;
    expect(error.outcome.issue?.[0]?.details?.text).toBe(
      `A referral cannot move from ${from} to ${to}; ${options}`,
    );
  });

  it.each(['rejected', 'cancelled', 'on-hold', 'failed'] as const)(
    'when a referral moves to %s without a reason, then 400 points at the reason',
    (to) => {
      const from = LEGAL.find(([, t]) => t === to)![0];
      for (const reason of [undefined, '', '   ']) {
        const error = errorOf(() => assertTransition(from, to, reason, FIELDS));
        expect(error.status).toBe(400);
        expect(error.outcome.issue?.[0]?.expression).toEqual(['reason']);
        expect(error.outcome.issue?.[0]?.details?.text).toBe(
          `A reason is required to move a referral to ${to}`,
        );
      }
    },
  );

  it('when a referral is accepted without a reason, then that is allowed', () => {
    expect(() => assertTransition('requested', 'accepted', undefined, FIELDS)).not.toThrow();
  });

  it('when the table is read, then exactly rejected, cancelled, completed and failed are terminal', () => {
    expect(REFERRAL_STATUSES.filter(isTerminal)).toEqual(['rejected', 'cancelled', 'completed', 'failed']);
  });

  it('when the Task status changes, then the ServiceRequest status follows it', () => {
    expect(REFERRAL_STATUSES.map((status) => [status, serviceRequestStatusFor(status)])).toEqual([
      ['requested', 'active'],
      ['accepted', 'active'],
      ['rejected', 'revoked'],
      ['cancelled', 'revoked'],
      ['in-progress', 'active'],
      ['on-hold', 'on-hold'],
      ['completed', 'completed'],
      ['failed', 'revoked'],
    ]);
  });
});
