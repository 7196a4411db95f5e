import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { ServiceRequest } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import { referralService } from '@peerbridge/referral';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { authHeader } from '../support/tokens.js';
import { expectForbidden } from './expectations.js';
import { referralFor } from './referral-resources.js';

// Every FHIR interaction × SMART v1 and v2 scopes × allowed and denied. A denied write must also
// leave the stored resource exactly as it was.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([referralService]);
});
afterAll(() => t.close());

const admin = () => authHeader('system/*.*');

async function storedReferral(): Promise<ServiceRequest & { id: string }> {
  const res = await request(t.app)
    .post('/fhir/ServiceRequest')
    .set('Authorization', await admin())
    .send(referralFor(randomUUID()));
  expect(res.status).toBe(201);
  return res.body;
}

type Interaction = 'read' | 'vread' | 'history' | 'search' | 'create' | 'update' | 'delete';

/** Sends the interaction with the given Authorization header; returns the response and the target id. */
async function perform(interaction: Interaction, authorization: string) {
  const existing = await storedReferral();
  const path = `/fhir/ServiceRequest/${existing.id}`;
  const app = request(t.app);
  const fresh = referralFor(randomUUID());
  const send = {
    read: () => app.get(path),
    vread: () => app.get(`${path}/_history/1`),
    history: () => app.get(`${path}/_history`),
    search: () => app.get(`/fhir/ServiceRequest?_id=${existing.id}`),
    create: () => app.post('/fhir/ServiceRequest').send(fresh),
    update: () => app.put(path).send({ ...existing, status: 'on-hold' }),
    delete: () => app.delete(path),
  }[interaction];
  const res = await send().set('Authorization', authorization);
  return { res, existing, fresh };
}

const SUCCESS: Record<Interaction, number> = {
  read: 200,
  vread: 200,
  history: 200,
  search: 200,
  create: 201,
  update: 200,
  delete: 204,
};

// [interaction, v1 allowed, v1 denied, v2 allowed, v2 denied]
const MATRIX: [Interaction, string, string, string, string][] = [
  [
    'read',
    'user/ServiceRequest.read',
    'user/ServiceRequest.write',
    'user/ServiceRequest.r',
    'user/ServiceRequest.cuds',
  ],
  [
    'vread',
    'user/ServiceRequest.read',
    'user/ServiceRequest.write',
    'user/ServiceRequest.r',
    'user/ServiceRequest.cuds',
  ],
  [
    'history',
    'user/ServiceRequest.read',
    'user/ServiceRequest.write',
    'user/ServiceRequest.r',
    'user/ServiceRequest.cuds',
  ],
  [
    'search',
    'user/ServiceRequest.read',
    'user/ServiceRequest.write',
    'user/ServiceRequest.s',
    'user/ServiceRequest.crud',
  ],
  [
    'create',
    'user/ServiceRequest.write',
    'user/ServiceRequest.read',
    'user/ServiceRequest.c',
    'user/ServiceRequest.ruds',
  ],
  [
    'update',
    'user/ServiceRequest.write',
    'user/ServiceRequest.read',
    'user/ServiceRequest.u',
    'user/ServiceRequest.crds',
  ],
  [
    'delete',
    'user/ServiceRequest.write',
    'user/ServiceRequest.read',
    'user/ServiceRequest.d',
    'user/ServiceRequest.crus',
  ],
];

describe.each(MATRIX)('%s', (interaction, v1Allowed, v1Denied, v2Allowed, v2Denied) => {
  it(`when the token holds the v1 scope ${v1Allowed}, then ${interaction} is allowed`, async () => {
    const { res } = await perform(interaction, await authHeader(v1Allowed));
    expect(res.status).toBe(SUCCESS[interaction]);
  });

  it(`when the token holds only the v1 scope ${v1Denied}, then ${interaction} is refused with 403 and changes nothing`, async () => {
    const { res, existing, fresh } = await perform(interaction, await authHeader(v1Denied));
    expectForbidden(res);
    await expectUnchanged(existing, fresh);
  });

  it(`when the token holds the v2 scope ${v2Allowed}, then ${interaction} is allowed`, async () => {
    const { res } = await perform(interaction, await authHeader(v2Allowed));
    expect(res.status).toBe(SUCCESS[interaction]);
  });

  it(`when the token holds only the v2 scope ${v2Denied}, then ${interaction} is refused with 403 and changes nothing`, async () => {
    const { res, existing, fresh } = await perform(interaction, await authHeader(v2Denied));
    expectForbidden(res);
    await expectUnchanged(existing, fresh);
  });
});

describe('wildcards and other resource types', () => {
  it('when the token holds system/*.rs, then a read of any type is allowed', async () => {
    const { res } = await perform('read', await authHeader('system/*.rs'));
    expect(res.status).toBe(200);
  });

  it('when the token holds user/*.* (v1), then a delete is allowed', async () => {
    const { res } = await perform('delete', await authHeader('user/*.*'));
    expect(res.status).toBe(204);
  });

  it('when the token only covers Task, then a ServiceRequest read is refused with 403', async () => {
    const { res } = await perform('read', await authHeader('user/Task.cruds'));
    expectForbidden(res);
  });

  it('when the token holds only non-resource scopes (openid fhirUser launch), then a read is refused with 403', async () => {
    const { res } = await perform('read', await authHeader('openid fhirUser launch offline_access'));
    expectForbidden(res);
  });

  it('when a v2 scope lists its letters out of order (user/ServiceRequest.sr), then it grants nothing', async () => {
    const { res } = await perform('read', await authHeader('user/ServiceRequest.sr'));
    expectForbidden(res);
  });

  it('when a search is refused, then the 403 comes before any search parameter is looked at', async () => {
    const res = await request(t.app)
      .get('/fhir/ServiceRequest?unknown-parameter=1')
      .set('Authorization', await authHeader('user/ServiceRequest.r'))
      .set('Prefer', 'handling=strict');
    expectForbidden(res);
  });
});

/** The resource still reads exactly as stored (same version, not deleted) and nothing new was created. */
async function expectUnchanged(
  existing: ServiceRequest & { id: string },
  fresh: ServiceRequest,
): Promise<void> {
  const identifier = fresh.identifier![0]!;
  const created = await request(t.app)
    .get(`/fhir/ServiceRequest?identifier=${identifier.system}|${identifier.value}`)
    .set('Authorization', await admin());
  expect(created.body.total).toBe(0);
  const res = await request(t.app)
    .get(`/fhir/ServiceRequest/${existing.id}`)
    .set('Authorization', await admin());
  expect(res.status).toBe(200);
  expect(res.body.meta.versionId).toBe(existing.meta?.versionId);
  expect(res.body.status).toBe(existing.status);
}
