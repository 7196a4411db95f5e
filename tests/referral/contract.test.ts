import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { referralService } from '@peerbridge/referral';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';
import { authHeader } from '../support/tokens.js';
import {
  documentedResponses,
  exercised,
  expectContract,
  openApiDocument,
  schemaErrors,
} from './support/contract.js';
import { referralBody } from './support/fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([referralService]);
});
afterAll(() => t.close());

describe('the referral API against its OpenAPI document', () => {
  it('when every documented response is provoked, then each one matches the document', async () => {
    const app = () => fhirClient(t);
    const key = randomUUID();
    const body = referralBody();
    const created = await app().post('/api/referral/referrals').set('Idempotency-Key', key).send(body);
    expectContract(created, 'createReferral');
    const id = created.body.id as string;
    expectContract(
      await app().post('/api/referral/referrals').set('Idempotency-Key', key).send(body),
      'createReferral',
    );
    expectContract(await app().post('/api/referral/referrals').send({}), 'createReferral');
    expectContract(
      await app().post('/api/referral/referrals').set('Content-Type', 'text/plain').send('x'),
      'createReferral',
    );
    expectContract(
      await app().post('/api/referral/referrals').set('Idempotency-Key', key).send(referralBody()),
      'createReferral',
    );

    expectContract(await app().get('/api/referral/referrals?status=requested'), 'listReferrals');
    expectContract(await app().get('/api/referral/referrals?limit=1000'), 'listReferrals');

    expectContract(await app().get(`/api/referral/referrals/${id}`), 'getReferral');
    expectContract(await app().get('/api/referral/referrals/bad%20id'), 'getReferral');
    expectContract(await app().get('/api/referral/referrals/unknown'), 'getReferral');

    const status = (target: string, reason?: string) =>
      app()
        .post(`/api/referral/referrals/${id}/status`)
        .send({ status: target, ...(reason ? { reason } : {}) });
    expectContract(await status('accepted'), 'changeReferralStatus');
    expectContract(await status('on-hold'), 'changeReferralStatus');
    expectContract(await status('completed', 'x'), 'changeReferralStatus');
    expectContract(
      await app().post('/api/referral/referrals/unknown/status').send({ status: 'accepted' }),
      'changeReferralStatus',
    );
    expectContract(
      await app()
        .post(`/api/referral/referrals/${id}/status`)
        .set('Content-Type', 'text/plain')
        .send('accepted'),
      'changeReferralStatus',
    );

    expectContract(await app().get(`/api/referral/referrals/${id}/history`), 'getReferralHistory');
    expectContract(await app().get('/api/referral/referrals/bad%20id/history'), 'getReferralHistory');
    expectContract(await app().get('/api/referral/referrals/unknown/history'), 'getReferralHistory');

    // Every operation answers 401 without a token and 403 without its scope, before anything else.
    const calls: [string, (agent: ReturnType<typeof request.agent>) => request.Test][] = [
      ['createReferral', (agent) => agent.post('/api/referral/referrals').send(body)],
      ['listReferrals', (agent) => agent.get('/api/referral/referrals')],
      ['getReferral', (agent) => agent.get(`/api/referral/referrals/${id}`)],
      [
        'changeReferralStatus',
        (agent) => agent.post(`/api/referral/referrals/${id}/status`).send({ status: 'accepted' }),
      ],
      ['getReferralHistory', (agent) => agent.get(`/api/referral/referrals/${id}/history`)],
    ];
    const unrelatedScope = await authHeader('user/Patient.rs');
    for (const [operationId, call] of calls) {
      const unauthenticated = await call(request.agent(t.app));
      expect(unauthenticated.status).toBe(401);
      expectContract(unauthenticated, operationId);
      const forbidden = await call(fhirClient(t, { Authorization: unrelatedScope }));
      expect(forbidden.status).toBe(403);
      expectContract(forbidden, operationId);
    }

    // A 500 cannot be provoked without breaking the server; its schema is the same OperationOutcome.
    const provokable = documentedResponses().filter((response) => !response.endsWith(' 500'));
    expect([...exercised].sort()).toEqual(provokable.sort());
  });

  it("when the document is fetched, then every operation has a summary and its SMART v2 scope, under the deployment's discovery URL", async () => {
    const res = await fhirClient(t).get('/api/referral/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.components.securitySchemes.smart.openIdConnectUrl).toBe(
      'http://peerbridge.test/fhir/.well-known/smart-configuration',
    );
    const expected: Record<string, string> = {
      createReferral: 'user/ServiceRequest.c',
      getReferral: 'user/ServiceRequest.r',
      listReferrals: 'user/ServiceRequest.s',
      changeReferralStatus: 'user/Task.u',
      getReferralHistory: 'user/Task.r',
    };
    for (const item of Object.values(
      res.body.paths as Record<
        string,
        Record<string, { operationId?: string; summary?: string; security?: unknown }>
      >,
    )) {
      for (const operation of Object.values(item)) {
        if (!operation.operationId) continue;
        expect(operation.summary).toBeTruthy();
        expect(operation.security).toEqual([{ smart: [expected[operation.operationId]] }]);
      }
    }
  });

  it('when the docs page is opened, then Swagger UI is served from this server under the default CSP', async () => {
    const page = await fhirClient(t).get('/api/referral/docs/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const scripts = [...page.text.matchAll(/<script src="\.\/([^"]+)"/g)].map((match) => match[1]);
    expect(scripts).toContain('swagger-ui-init.js');
    for (const script of scripts) {
      const asset = await fhirClient(t).get(`/api/referral/docs/${script}`);
      expect(asset.status).toBe(200);
    }
    const init = await fhirClient(t).get('/api/referral/docs/swagger-ui-init.js');
    expect(init.text).toContain('"operationId": "createReferral"');
  });

  it('when the examples in the document are checked, then each is valid against its schema', () => {
    const document = openApiDocument() as {
      components: {
        schemas: Record<string, { example?: unknown }>;
        examples: Record<string, { value: unknown }>;
      };
    };
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      if (schema.example !== undefined) {
        expect([name, schemaErrors(`#/components/schemas/${name}`, schema.example)]).toEqual([name, []]);
      }
    }
    const examples = document.components.examples;
    expect(schemaErrors('#/components/schemas/ReferralInput', examples.ReferralInput!.value)).toEqual([]);
    expect(schemaErrors('#/components/schemas/Referral', examples.Referral!.value)).toEqual([]);
  });
});
