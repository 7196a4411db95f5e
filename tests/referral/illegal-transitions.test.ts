import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { referralService } from '@peerbridge/referral';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { expectContract } from './support/contract.js';
import { footprint, referralBody } from './support/fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([referralService]);
});
afterAll(() => t.close());

const ALLOWED: Record<string, string[]> = {
  requested: ['accepted', 'rejected', 'cancelled'],
  accepted: ['in-progress', 'on-hold', 'cancelled'],
  'in-progress': ['on-hold', 'completed', 'failed', 'cancelled'],
  'on-hold': ['in-progress', 'cancelled'],
  rejected: [],
  cancelled: [],
  completed: [],
  failed: [],
};
/** A legal way to reach each status from requested. */
const PATH_TO: Record<string, string[]> = {
  requested: [],
  accepted: ['accepted'],
  'in-progress': ['accepted', 'in-progress'],
  'on-hold': ['accepted', 'on-hold'],
  rejected: ['rejected'],
  cancelled: ['cancelled'],
  completed: ['accepted', 'in-progress', 'completed'],
  failed: ['accepted', 'in-progress', 'failed'],
};
const TARGETS = ['accepted', 'rejected', 'cancelled', 'in-progress', 'on-hold', 'completed', 'failed'];
const ILLEGAL = Object.keys(ALLOWED).flatMap((from) =>
  TARGETS.filter((to) => !ALLOWED[from]!.includes(to)).map((to) => [from, to] as const),
);

async function referralIn(status: string): Promise<string> {
  const created = await request(t.app).post('/api/referral/referrals').send(referralBody());
  for (const step of PATH_TO[status]!) {
    const res = await request(t.app)
      .post(`/api/referral/referrals/${created.body.id}/status`)
      .send({ status: step, reason: 'Reason for the record' });
    expect(res.status).toBe(200);
  }
  return created.body.id;
}

describe('illegal transitions through REST', () => {
  it.each(ILLEGAL)(
    'when a %s referral is moved to %s, then 409 names the allowed ones and nothing changes',
    async (from, to) => {
      const id = await referralIn(from);
      const before = await footprint(t.db);
      const res = await request(t.app)
        .post(`/api/referral/referrals/${id}/status`)
        .send({ status: to, reason: 'Trying anyway' });
      expectContract(res, 'changeReferralStatus');
      expect(res.status).toBe(409);
      const issue = res.body.issue[0];
      expect(issue.expression).toEqual(['status']);
      const allowed = ALLOWED[from]!;
      expect(issue.details.text).toContain(allowed.length ? `allowed: ${allowed.join(', ')}` : 'final');
      expect(await footprint(t.db)).toEqual(before);
      expect((await request(t.app).get(`/api/referral/referrals/${id}`)).body.status).toBe(from);
    },
  );

  it('when a referral is moved back to requested, then 400 because requested is no target', async () => {
    const id = await referralIn('accepted');
    const res = await request(t.app)
      .post(`/api/referral/referrals/${id}/status`)
      .send({ status: 'requested' });
    expectContract(res, 'changeReferralStatus');
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['status']);
  });
});
