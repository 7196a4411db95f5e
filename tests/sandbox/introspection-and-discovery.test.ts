import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import request from 'supertest';
import { DEMO_APP_CLIENT_ID, SANDBOX_INTROSPECTION_CLIENT } from '@peerbridge/sandbox';
import { smartCapabilities } from '@peerbridge/shared';
import { startTestApp, type TestApp } from '../support/test-app.js';
import {
  ISSUER,
  TOKEN_URL,
  authorize,
  clientAssertion,
  introspect,
  newPkce,
  redeemCode,
  requestBackendToken,
} from './sandbox-client.js';

describe('sandbox: discovery and token introspection', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp([], { SANDBOX: '1' });
  });
  afterAll(async () => {
    await t.close();
  });

  /** A refresh token: the sandbox's access tokens are JWTs, verified locally, not introspected. */
  async function refreshToken(): Promise<string> {
    const pkce = newPkce();
    const callback = await authorize(
      t.app,
      { scope: 'openid fhirUser offline_access launch/patient patient/*.rs', pkce },
      { user: 'clinician', patient: 'pat-77' },
    );
    const response = await redeemCode(t.app, callback.get('code')!, pkce.verifier).expect(200);
    expect(response.body.refresh_token).toEqual(expect.any(String));
    return response.body.refresh_token as string;
  }

  it('when a client reads the OpenID configuration, then every endpoint is under the issuer and only S256 PKCE is offered', async () => {
    const response = await request(t.app).get('/sandbox/auth/.well-known/openid-configuration').expect(200);
    expect(response.body).toMatchObject({
      issuer: ISSUER,
      token_endpoint: TOKEN_URL,
      authorization_endpoint: `${ISSUER}/auth`,
      introspection_endpoint: `${ISSUER}/token/introspection`,
      jwks_uri: `${ISSUER}/jwks`,
      code_challenge_methods_supported: ['S256'],
    });
    expect(response.body.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['private_key_jwt', 'none']),
    );
    expect(response.body.token_endpoint_auth_signing_alg_values_supported).toEqual(['RS384', 'ES384']);
    expect(response.body.scopes_supported).toEqual(
      expect.arrayContaining(['openid', 'fhirUser', 'launch', 'launch/patient', 'offline_access']),
    );
  });

  it('when a client reads the OpenID configuration, then only the code flow is offered, as the demo app is registered for no other', async () => {
    const response = await request(t.app).get('/sandbox/auth/.well-known/openid-configuration').expect(200);
    expect(response.body.response_types_supported).toEqual(['code']);
    expect(response.body.grant_types_supported).toEqual([
      'authorization_code',
      'refresh_token',
      'client_credentials',
    ]);
  });

  it('when PeerBridge describes the sandbox to SMART apps, then it lists exactly the capabilities the sandbox supports', async () => {
    const response = await request(t.app).get('/sandbox/auth/.well-known/openid-configuration').expect(200);
    expect(smartCapabilities(response.body)).toEqual([
      'launch-ehr',
      'context-ehr-patient',
      'context-ehr-encounter',
      'launch-standalone',
      'context-standalone-patient',
      'context-banner',
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

  it('when a client reads the JWKS, then it holds public keys only', async () => {
    const response = await request(t.app).get('/sandbox/auth/jwks').expect(200);
    expect(response.body.keys.length).toBeGreaterThan(0);
    for (const key of response.body.keys as Record<string, unknown>[]) {
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
      expect(key.d).toBeUndefined();
    }
  });

  it('when a backend token is requested, then the response says Cache-Control: no-store', async () => {
    const response = await requestBackendToken(t.app, await clientAssertion('RS384')).expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('when the resource server introspects a live refresh token, then it is active with its client, user and scope', async () => {
    const token = await refreshToken();
    const response = await introspect(t.app, token).expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toMatchObject({
      active: true,
      client_id: DEMO_APP_CLIENT_ID,
      sub: 'clinician',
      iss: ISSUER,
    });
    expect(response.body.scope.split(' ')).toEqual(
      expect.arrayContaining(['offline_access', 'patient/*.rs']),
    );
  });

  it('when the app redeems its refresh token, then the new access token keeps the launch context', async () => {
    const response = await request(t.app)
      .post('/sandbox/auth/token')
      .type('form')
      .send({
        grant_type: 'refresh_token',
        refresh_token: await refreshToken(),
        client_id: DEMO_APP_CLIENT_ID,
      })
      .expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toMatchObject({ patient: 'pat-77', need_patient_banner: true });
    expect(decodeJwt(response.body.access_token)).toMatchObject({ patient: 'pat-77', sub: 'clinician' });
  });

  it('when the resource server introspects a revoked refresh token, then it is inactive', async () => {
    const token = await refreshToken();
    await request(t.app)
      .post('/sandbox/auth/token/revocation')
      .type('form')
      .send({ token, client_id: DEMO_APP_CLIENT_ID })
      .expect(200);
    const response = await introspect(t.app, token).expect(200);
    expect(response.body).toEqual({ active: false });
  });

  it('when the resource server introspects a token the sandbox never issued, then it is inactive', async () => {
    const response = await introspect(t.app, 'not-a-token-this-server-issued').expect(200);
    expect(response.body).toEqual({ active: false });
  });

  it('when introspection is called without client credentials, then it is refused', async () => {
    const token = await refreshToken();
    const response = await request(t.app)
      .post('/sandbox/auth/token/introspection')
      .type('form')
      .send({ token })
      .expect(400);
    expect(response.body.error).toBe('invalid_request');
  });

  it('when introspection is called with a wrong secret, then it is refused', async () => {
    const response = await request(t.app)
      .post('/sandbox/auth/token/introspection')
      .auth(SANDBOX_INTROSPECTION_CLIENT.clientId, 'wrong-secret')
      .type('form')
      .send({ token: 'anything' })
      .expect(401);
    expect(response.body.error).toBe('invalid_client');
  });
});
