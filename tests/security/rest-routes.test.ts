import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Router } from 'express';
import request from 'supertest';
import { requireAuth, requirePermission, type ServiceModule } from '@peerbridge/shared';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { authHeader } from '../support/tokens.js';
import { expectForbidden, expectUnauthorized } from './expectations.js';

// A REST route declares the SMART permission it needs with requirePermission; its OpenAPI
// document and docs stay open. The module below is a minimal service for this test only.

const restModule: ServiceModule = {
  name: 'resttest',
  schema: 'resttest',
  migrations: [],
  resources: [],
  createRouter() {
    const router = Router();
    router.get('/api/resttest/openapi.json', (_req, res) => {
      res.json({ openapi: '3.1.0' });
    });
    router.post('/api/resttest/referrals', requirePermission('ServiceRequest', 'c'), (_req, res) => {
      const auth = requireAuth(res);
      res.status(201).json({ clientId: auth.clientId, fhirUser: auth.fhirUser });
    });
    return router;
  },
};

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([restModule]);
});
afterAll(() => t.close());

describe('REST routes', () => {
  it('when the token grants create on the resource type, then the route runs and sees the AuthContext', async () => {
    const res = await request(t.app)
      .post('/api/resttest/referrals')
      .set(
        'Authorization',
        await authHeader('user/ServiceRequest.c', { fhirUser: 'Practitioner/clinician-1' }),
      );
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ clientId: 'test-client', fhirUser: 'Practitioner/clinician-1' });
  });

  it('when the token only grants read, then the route answers 403 insufficient_scope', async () => {
    const res = await request(t.app)
      .post('/api/resttest/referrals')
      .set('Authorization', await authHeader('user/ServiceRequest.rs'));
    expectForbidden(res);
  });

  it('when no token is sent, then the route answers 401', async () => {
    expectUnauthorized(await request(t.app).post('/api/resttest/referrals'));
  });

  it('when the OpenAPI document is fetched without a token, then it is served', async () => {
    const res = await request(t.app).get('/api/resttest/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
  });
});
