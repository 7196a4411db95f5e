import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { referralService } from '@peerbridge/referral';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';
import { authHeader } from '../support/tokens.js';
import { expectContract } from './support/contract.js';
import { footprint, referralBody } from './support/fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([referralService]);
});
afterAll(() => t.close());

function create(body: Record<string, unknown>, key?: string) {
  const req = fhirClient(t).post('/api/referral/referrals');
  return (key ? req.set('Idempotency-Key', key) : req).send(body);
}

async function referralsOf(patient: string): Promise<number> {
  const [row] = await t.db.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM referral.resource
     WHERE resource_type = 'ServiceRequest' AND content->'subject'->>'reference' = $1`,
    [patient],
  );
  return row!.count;
}

describe('Idempotency-Key on createReferral', () => {
  it('when a create is retried with the same key and body, then the first referral is answered and no second one is made', async () => {
    const key = randomUUID();
    const body = referralBody();
    const first = await create(body, key);
    expectContract(first, 'createReferral');
    expect(first.status).toBe(201);
    const before = await footprint(t.db);
    const retry = await create(body, key);
    expectContract(retry, 'createReferral');
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await footprint(t.db)).toEqual(before);
  });

  it('when the retry has the same body with its keys in another order, then it is still the same request', async () => {
    const key = randomUUID();
    const body = referralBody();
    const first = await create(body, key);
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const retry = await create(reordered, key);
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
  });

  it('when a key is reused with a different body, then 422 points at Idempotency-Key and nothing is created', async () => {
    const key = randomUUID();
    await create(referralBody(), key);
    const before = await footprint(t.db);
    const reused = await create(referralBody({ priority: 'urgent' }), key);
    expectContract(reused, 'createReferral');
    expect(reused.status).toBe(422);
    expect(reused.body.issue[0].expression).toEqual(['Idempotency-Key']);
    expect(await footprint(t.db)).toEqual(before);
  });

  it('when two creates with the same key run at the same time, then exactly one referral exists and both answer it', async () => {
    const key = randomUUID();
    const body = referralBody();
    const patient = (body.patient as { reference: string }).reference;
    const [a, b] = await Promise.all([create(body, key), create(body, key)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.id).toBe(b.body.id);
    expect(await referralsOf(patient)).toBe(1);
  });

  it('when the same body is sent twice without a key, then two referrals are made', async () => {
    const body = referralBody();
    const a = await create(body);
    const b = await create(body);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.body.id).not.toBe(b.body.id);
  });

  it('when the key has expired, then the same request makes a new referral instead of replaying the first', async () => {
    const key = randomUUID();
    const body = referralBody();
    const first = await create(body, key);
    expect(first.status).toBe(201);
    await t.db.query(
      `UPDATE referral.idempotent_request SET created_at = now() - interval '24 hours 1 second'
       WHERE idempotency_key = $1`,
      [key],
    );
    const later = await create(body, key);
    expectContract(later, 'createReferral');
    expect(later.status).toBe(201);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(later.body.id).not.toBe(first.body.id);
    expect((await create(body, key)).body.id).toBe(later.body.id);
  });

  it('when the token names no client, then a key is refused with 422 at Idempotency-Key and nothing is created', async () => {
    const clientless = await authHeader('system/*.*', { claims: { client_id: undefined } });
    const before = await footprint(t.db);
    const res = await fhirClient(t, { Authorization: clientless })
      .post('/api/referral/referrals')
      .set('Idempotency-Key', randomUUID())
      .send(referralBody());
    expectContract(res, 'createReferral');
    expect(res.status).toBe(422);
    expect(res.body.issue[0].expression).toEqual(['Idempotency-Key']);
    expect(await footprint(t.db)).toEqual(before);
  });

  it('when the key has spaces, then 400 points at Idempotency-Key', async () => {
    const res = await create(referralBody(), 'has spaces in it');
    expectContract(res, 'createReferral');
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['Idempotency-Key']);
  });
});
