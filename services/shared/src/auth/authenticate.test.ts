import { beforeEach, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OperationOutcome } from '@medplum/fhirtypes';
import express from 'express';
import request from 'supertest';
import { capturedLogger } from '../../../../tests/support/captured-logs.js';
import { useLocalIssuer, nowSeconds } from '../../../../tests/support/local-issuer.js';
import { TEST_AUDIENCE } from '../../../../tests/support/test-audience.js';
import type { SmartConfig } from '../config/config.js';
import { errorHandler } from '../errors/error-handler.js';
import type { AuthContext } from './auth-context.js';
import { authenticate, isOpenRoute } from './authenticate.js';
import { TokenVerifier } from './token-verifier.js';

const issuer = useLocalIssuer();
let lines: string[];
let app: express.Express;

beforeEach(() => {
  app = appWith(new TokenVerifier(smartConfig()));
});

function smartConfig(): SmartConfig {
  return {
    issuers: [issuer.url],
    audiences: [TEST_AUDIENCE],
    introspectionClients: new Map(),
    untypedTokenIssuers: [],
  };
}

/** An app whose every route answers with the caller's issuer, behind authenticate. */
function appWith(verifier: TokenVerifier): express.Express {
  const captured = capturedLogger();
  lines = captured.lines;
  const built = express();
  built.use(authenticate(verifier, captured.logger));
  built.use((_req, res) => {
    res.json({ issuer: (res.locals.auth as AuthContext | undefined)?.issuer ?? null });
  });
  built.use(errorHandler(captured.logger));
  return built;
}

const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
const validToken = () => issuer.sign({ iss: issuer.url, aud: TEST_AUDIENCE, exp: nowSeconds() + 300 });
/** A GET with headers exactly as given, repeats included (supertest merges them). */
async function rawGet(path: string, headers: [string, string][]): Promise<{ status: number; body: string }> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const req = http.request({
      host: '127.0.0.1',
      port,
      path,
      headers: [['Host', `127.0.0.1:${port}`], ...headers].flat(),
    });
    req.end();
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    let body = '';
    for await (const chunk of res) body += String(chunk);
    return { status: res.statusCode ?? 0, body };
  } finally {
    server.close();
  }
}

describe('isOpenRoute', () => {
  it.each([
    '/healthz',
    '/healthz/',
    '/readyz',
    '/READYZ/',
    '/.well-known/smart-configuration',
    '/fhir/metadata',
    '/fhir/metadata/',
    '/FHIR/Metadata',
    '/fhir/.well-known/smart-configuration',
    '/api/referral/openapi.json',
    '/api/care-team-2/openapi.json',
    '/api/referral/docs',
    '/api/referral/docs/',
    '/api/referral/docs/swagger-ui.css',
  ])('when the path is %s, then anyone may call it', (path) => {
    expect(isOpenRoute(path)).toBe(true);
  });

  it.each([
    '/',
    '/x/healthz',
    '/healthz/x',
    '/readyzz',
    '/x/readyz',
    '/x/.well-known/y',
    '/.well-known',
    '/fhir/metadata/x',
    '/x/fhir/metadata',
    '/fhir/Patient',
    '/x/fhir/.well-known/y',
    '/api/referral/openapi.jsonx',
    '/x/api/referral/openapi.json',
    '/api//openapi.json',
    '/api/a_b/openapi.json',
    '/api/referral/v1/openapi.json',
    '/api/referral/docsx',
    '/x/api/referral/docs',
    '/api/a/b/docs',
    '/api/referral/referrals',
  ])('when the path is %s, then it needs a token', (path) => {
    expect(isOpenRoute(path)).toBe(false);
  });
});

describe('authenticate', () => {
  it('when an open route is called without a token, then it is served', async () => {
    const response = await request(app).get('/healthz');
    expect([response.status, response.body]).toEqual([200, { issuer: null }]);
  });

  it('when a protected route is called without a token, then 401 with a bare Bearer challenge, logged as no_token', async () => {
    const response = await request(app).get('/fhir/Task');
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="PeerBridge"');
    expect(response.body.issue[0].details.text).toBe(
      'This request needs a bearer access token (Authorization: Bearer …)',
    );
    expect(logged()).toMatchObject([{ message: 'access denied', reason: 'no_token', level: 'info' }]);
  });

  it.each([
    'Basic dXNlcjpwYXNz',
    'Bearer',
    'Bearer ',
    'xBearer abc',
    'Bearer abc def',
    'Bearer a=b',
    'Bearer ab!c',
  ])(
    'when the Authorization header is %p, then 401 with a bare Bearer challenge, logged as not_bearer',
    async (header) => {
      const response = await request(app).get('/fhir/Task').set('Authorization', header);
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="PeerBridge"');
      expect(logged()).toMatchObject([{ message: 'access denied', reason: 'not_bearer' }]);
    },
  );

  it.each([(token: string) => `Bearer ${token}`, (token: string) => `bearer   ${token}  `])(
    'when a valid token is sent (%#), then the route sees its AuthContext',
    async (header) => {
      const response = await request(app)
        .get('/fhir/Task')
        .set('Authorization', header(await validToken()));
      expect([response.status, response.body]).toEqual([200, { issuer: issuer.url }]);
      expect(lines).toEqual([]);
    },
  );

  it('when two Authorization headers are sent, then 400 names the header, logged with that reason', async () => {
    const token = await validToken();
    const response = await rawGet('/fhir/Task', [
      ['Authorization', `Bearer ${token}`],
      ['X-Other', 'x'],
      ['authorization', `Bearer ${token}`],
    ]);
    expect(response.status).toBe(400);
    expect((JSON.parse(response.body) as OperationOutcome).issue[0]).toMatchObject({
      details: { text: 'Send one Authorization header, not several' },
      expression: ['Authorization'],
    });
    expect(logged()).toMatchObject([{ message: 'access denied', reason: 'several_authorization_headers' }]);
  });

  it('when the token fails verification, then 401 invalid_token with the reason logged and described', async () => {
    const token = await issuer.sign({
      iss: issuer.url,
      aud: 'https://elsewhere.example',
      exp: nowSeconds() + 300,
    });
    const response = await request(app).get('/fhir/Task').set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="PeerBridge", error="invalid_token", error_description="The access token is not meant for this server"',
    );
    expect(logged()).toMatchObject([{ message: 'access denied', reason: 'claim_aud', level: 'info' }]);
  });

  it('when the issuer cannot be reached, then 503 with Retry-After, logged as a warning', async () => {
    issuer.answer('/auth/jwks', { status: 500 });
    app = appWith(new TokenVerifier(smartConfig()));
    const response = await request(app)
      .get('/fhir/Task')
      .set('Authorization', `Bearer ${await validToken()}`);
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(logged()).toMatchObject([
      {
        message: 'authorization server unavailable',
        level: 'warn',
        error: `JWKS of ${issuer.url} could not be read`,
      },
    ]);
  });

  it('when verification fails for another reason, then the error goes on to the error handler as a 500', async () => {
    app = appWith({
      verify: () => Promise.reject(new Error('verifier broke')),
    } as unknown as TokenVerifier);
    const response = await request(app).get('/fhir/Task').set('Authorization', 'Bearer abc');
    expect(response.status).toBe(500);
    expect(logged()).toMatchObject([{ message: 'unhandled error', level: 'error' }]);
  });
});
