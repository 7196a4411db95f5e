import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import request from 'supertest';
import { DEMO_BACKEND_CLIENT_ID } from '@peerbridge/sandbox';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { FHIR_BASE_URL, ISSUER, TOKEN_URL, clientAssertion, requestBackendToken } from './sandbox-client.js';

describe('sandbox: SMART Backend Services (client_credentials with private_key_jwt)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp([], { SANDBOX: '1' });
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(['RS384', 'ES384'] as const)(
    'when the demo backend signs its assertion with %s, then it gets an RS256 at+jwt for the FHIR API with its system scope',
    async (alg) => {
      const response = await requestBackendToken(t.app, await clientAssertion(alg), 'system/*.rs').expect(
        200,
      );
      expect(response.body).toMatchObject({ token_type: 'Bearer', scope: 'system/*.rs', expires_in: 300 });
      const token = response.body.access_token as string;
      expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
      const discovery = await request(t.app)
        .get('/sandbox/auth/.well-known/openid-configuration')
        .expect(200);
      const jwks = await request(t.app).get(new URL(discovery.body.jwks_uri).pathname).expect(200);
      const { payload } = await jwtVerify(token, createLocalJWKSet(jwks.body), {
        issuer: ISSUER,
        audience: FHIR_BASE_URL,
        typ: 'at+jwt',
        algorithms: ['RS256'],
      });
      expect(payload).toMatchObject({
        scope: 'system/*.rs',
        client_id: DEMO_BACKEND_CLIENT_ID,
        sub: DEMO_BACKEND_CLIENT_ID,
      });
    },
  );

  it('when the backend asks for a patient/ scope, then the request is refused as invalid_scope', async () => {
    const response = await requestBackendToken(
      t.app,
      await clientAssertion('RS384'),
      'system/*.rs patient/*.rs',
    ).expect(400);
    expect(response.body.error).toBe('invalid_scope');
  });

  it('when the assertion is for another audience, then the token request is refused as invalid_client', async () => {
    const assertion = await clientAssertion('RS384', { aud: 'http://elsewhere.test/token' });
    const response = await requestBackendToken(t.app, assertion).expect(401);
    expect(response.body.error).toBe('invalid_client');
  });

  it('when the assertion names the issuer rather than the token URL, then it is refused', async () => {
    const response = await requestBackendToken(t.app, await clientAssertion('RS384', { aud: ISSUER })).expect(
      401,
    );
    expect(response.body.error).toBe('invalid_client');
    // The same assertion naming the token URL is accepted: the audience alone made the difference.
    await requestBackendToken(t.app, await clientAssertion('RS384', { aud: TOKEN_URL })).expect(200);
  });

  it('when an assertion is replayed, then the second use is refused', async () => {
    const assertion = await clientAssertion('ES384');
    await requestBackendToken(t.app, assertion).expect(200);
    const replay = await requestBackendToken(t.app, assertion).expect(401);
    expect(replay.body.error).toBe('invalid_client');
  });

  it('when the assertion expires more than five minutes ahead, then it is refused', async () => {
    const response = await requestBackendToken(t.app, await clientAssertion('RS384', {}, 360)).expect(401);
    expect(response.body.error).toBe('invalid_client');
  });

  it('when the client is unknown, then the token request is refused as invalid_client', async () => {
    const assertion = await clientAssertion('RS384', { iss: 'stranger', sub: 'stranger' });
    const response = await requestBackendToken(t.app, assertion).expect(401);
    expect(response.body.error).toBe('invalid_client');
  });
});
