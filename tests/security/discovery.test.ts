import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { referralService } from '@peerbridge/referral';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { sharedTestIssuer, TestIssuer } from '../support/test-issuer.js';
import { TEST_AUDIENCE } from '../support/tokens.js';
import { expectUnauthorized } from './expectations.js';

let t: TestApp;
let issuer: TestIssuer;
beforeAll(async () => {
  t = await startTestApp([referralService]);
  issuer = await sharedTestIssuer();
});
afterAll(() => t.close());

describe('SMART configuration', () => {
  it('when smart-configuration is requested with Accept text/html and no token, then JSON describing the issuer comes back', async () => {
    const res = await request(t.app).get('/fhir/.well-known/smart-configuration').set('Accept', 'text/html');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({
      issuer: issuer.url,
      // oidc-provider's own routes, as the test issuer's discovery document names them.
      jwks_uri: `${issuer.url}/jwks`,
      authorization_endpoint: `${issuer.url}/auth`,
      token_endpoint: `${issuer.url}/token`,
      introspection_endpoint: `${issuer.url}/token/introspection`,
      revocation_endpoint: `${issuer.url}/token/revocation`,
    });
  });

  it('when the issuer lists no SMART launch scopes, then smart-configuration offers no launch context, only PKCE S256 and what the issuer lists', async () => {
    const { body } = await request(t.app).get('/fhir/.well-known/smart-configuration');
    expect(body.code_challenge_methods_supported).toEqual(['S256']);
    // The test issuer is oidc-provider with its default scopes (openid, offline_access) and
    // client authentication methods, and without the SMART launch scopes.
    expect(body.capabilities).toEqual([
      'launch-standalone',
      'client-public',
      'client-confidential-asymmetric',
      'sso-openid-connect',
      'permission-offline',
      'permission-patient',
      'permission-user',
      'permission-v1',
      'permission-v2',
    ]);
  });

  it('when smart-configuration is read, then every endpoint is an absolute URL', async () => {
    const { body } = await request(t.app).get('/fhir/.well-known/smart-configuration');
    for (const [name, value] of Object.entries(body)) {
      if (name.endsWith('_endpoint') || name === 'jwks_uri' || name === 'issuer') {
        expect(new URL(value as string).protocol).toMatch(/^https?:$/);
      }
    }
  });
});

describe('CapabilityStatement security', () => {
  it('when metadata is requested without a token, then rest.security names SMART-on-FHIR and the oauth-uris of the issuer', async () => {
    const res = await request(t.app).get('/fhir/metadata');
    expect(res.status).toBe(200);
    const security = res.body.rest[0].security;
    expect(security.service[0].coding[0]).toMatchObject({
      system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
      code: 'SMART-on-FHIR',
    });
    const oauthUris = security.extension.find(
      (extension: { url: string }) =>
        extension.url === 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
    );
    const uri = (name: string) =>
      oauthUris.extension.find((extension: { url: string }) => extension.url === name)?.valueUri;
    const smart = (await request(t.app).get('/fhir/.well-known/smart-configuration')).body;
    expect(uri('token')).toBe(smart.token_endpoint);
    expect(uri('authorize')).toBe(smart.authorization_endpoint);
    expect(uri('introspect')).toBe(smart.introspection_endpoint);
  });
});

describe('open and protected routes', () => {
  it.each(['/healthz', '/readyz', '/fhir/metadata', '/fhir/.well-known/smart-configuration'])(
    'when %s is called without a token, then it answers without asking for one',
    async (path) => {
      const res = await request(t.app).get(path);
      expect(res.status).toBe(200);
    },
  );

  it('when an OpenAPI document path is called without a token, then the document is served', async () => {
    const res = await request(t.app).get('/api/referral/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.info.title).toBe('PeerBridge Referral API');
  });

  it.each([
    ['a FHIR search', '/fhir/ServiceRequest'],
    ['a FHIR read in upper case', '/FHIR/ServiceRequest/abc'],
    ['a REST route', '/api/referral/referrals'],
    ['an unknown FHIR type', '/fhir/Unknown'],
  ])('when %s is called without a token, then 401', async (_name, path) => {
    expectUnauthorized(await request(t.app).get(path));
  });
});

describe('issuer discovery', () => {
  it('when the issuer only publishes smart-configuration, then its tokens are still verified (fallback discovery)', async () => {
    const smartOnly = await TestIssuer.start({ discovery: 'smart' });
    const app = await startTestApp([referralService], {
      SMART_ISSUERS: smartOnly.url,
      SMART_INTROSPECTION_CLIENTS: '',
    });
    try {
      const token = await signedBy(smartOnly);
      const res = await request(app.app).get('/fhir/ServiceRequest').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
    } finally {
      await app.close();
      await smartOnly.close();
    }
  });

  it('when the issuer is down at start-up, then the app starts, answers 503 meanwhile, and verifies tokens once the issuer is back', async () => {
    const first = await TestIssuer.start();
    const port = Number(new URL(first.url).port);
    const early = await signedBy(first);
    await first.close();
    const app = await startTestApp([referralService], {
      SMART_ISSUERS: first.url,
      SMART_INTROSPECTION_CLIENTS: '',
    });
    try {
      const down = await request(app.app).get('/fhir/ServiceRequest').set('Authorization', `Bearer ${early}`);
      expect(down.status).toBe(503);
      expect(down.body.issue[0].code).toBe('transient');
      const revived = await TestIssuer.start({ port });
      try {
        await new Promise((resolve) => setTimeout(resolve, 1100));
        const token = await signedBy(revived);
        const up = await request(app.app).get('/fhir/ServiceRequest').set('Authorization', `Bearer ${token}`);
        expect(up.status).toBe(200);
      } finally {
        await revived.close();
      }
    } finally {
      await app.close();
    }
  });
});

function signedBy(owner: TestIssuer): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return owner.sign({ iss: owner.url, aud: TEST_AUDIENCE, sub: 's', scope: 'system/*.rs', exp: now + 300 });
}
