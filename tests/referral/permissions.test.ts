import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { referralService } from '@peerbridge/referral';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { authHeader } from '../support/tokens.js';
import { expectForbidden, expectUnauthorized } from '../security/expectations.js';
import { referralBody } from './support/fixtures.js';

let t: TestApp;
let referralId: string;
beforeAll(async () => {
  t = await startTestApp([referralService]);
  const created = await request(t.app)
    .post('/api/referral/referrals')
    .set('Authorization', await authHeader('user/ServiceRequest.c'))
    .send(referralBody());
  referralId = created.body.id;
});
afterAll(() => t.close());

type Call = (auth: string | undefined) => Promise<request.Response>;

// Each operation, the scope that permits it, a scope that does not, the status it answers when
// permitted, and the call.
const OPERATIONS: [string, string, string, number, Call][] = [
  [
    'createReferral',
    'user/ServiceRequest.c',
    'user/ServiceRequest.rs',
    201,
    (auth) => withAuth(request(t.app).post('/api/referral/referrals'), auth).send(referralBody()),
  ],
  [
    'listReferrals',
    'user/ServiceRequest.s',
    'user/ServiceRequest.r',
    200,
    (auth) => withAuth(request(t.app).get('/api/referral/referrals'), auth),
  ],
  [
    'getReferral',
    'user/ServiceRequest.r',
    'user/Task.r',
    200,
    (auth) => withAuth(request(t.app).get(`/api/referral/referrals/${referralId}`), auth),
  ],
  [
    'changeReferralStatus',
    'user/Task.u',
    'user/Task.r',
    200,
    (auth) =>
      withAuth(request(t.app).post(`/api/referral/referrals/${referralId}/status`), auth).send({
        status: 'accepted',
      }),
  ],
  [
    'getReferralHistory',
    'user/Task.r',
    'user/ServiceRequest.r',
    200,
    (auth) => withAuth(request(t.app).get(`/api/referral/referrals/${referralId}/history`), auth),
  ],
];

function withAuth(test: request.Test, auth: string | undefined): request.Test {
  return auth ? test.set('Authorization', auth) : test;
}

describe('SMART permissions on the referral API', () => {
  it.each(OPERATIONS)(
    'when %s is called with %s, then it is let through',
    async (_, scope, _other, status, call) => {
      const res = await call(await authHeader(scope));
      expect(res.status).toBe(status);
    },
  );

  it.each(OPERATIONS.map(([operation, , other, , call]) => [operation, other, call] as const))(
    'when %s is called with only %s, then 403 insufficient_scope',
    async (_, other, call) => {
      expectForbidden(await call(await authHeader(other)));
    },
  );

  it.each(OPERATIONS)(
    'when %s is called without a token, then 401',
    async (_, _scope, _other, _status, call) => {
      expectUnauthorized(await call(undefined));
    },
  );

  it('when a status change lacks the scope, then 403 comes before any check of its body', async () => {
    const res = await request(t.app)
      .post(`/api/referral/referrals/${referralId}/status`)
      .set('Authorization', await authHeader('user/Task.r'))
      .send({ status: 'nonsense' });
    expectForbidden(res);
  });

  it('when a clinician changes a referral, then the history names them from the token', async () => {
    const created = await request(t.app)
      .post('/api/referral/referrals')
      .set('Authorization', await authHeader('user/ServiceRequest.c'))
      .send(referralBody());
    const coordinator = await authHeader('user/Task.u user/Task.r', {
      fhirUser: 'Practitioner/coordinator-7',
      subject: 'coord-7',
      clientId: 'peerbridge-web',
    });
    await request(t.app)
      .post(`/api/referral/referrals/${created.body.id}/status`)
      .set('Authorization', coordinator)
      .send({ status: 'accepted' });
    const history = await request(t.app)
      .get(`/api/referral/referrals/${created.body.id}/history`)
      .set('Authorization', coordinator);
    expect(history.body.items.at(-1)).toMatchObject({
      to: 'accepted',
      actor: { fhirUser: 'Practitioner/coordinator-7', subject: 'coord-7', clientId: 'peerbridge-web' },
    });
  });
});
