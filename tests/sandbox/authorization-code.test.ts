import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import request from 'supertest';
import { DEMO_APP_CLIENT_ID, encodeLaunch } from '@peerbridge/sandbox';
import { startTestApp, type TestApp } from '../support/test-app.js';
import {
  FHIR_BASE_URL,
  ISSUER,
  authorize,
  authorizeQuery,
  newPkce,
  pathOf,
  redeemCode,
} from './sandbox-client.js';

describe('sandbox: SMART App Launch (authorization code with PKCE)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp([], { SANDBOX: '1' });
  });
  afterAll(async () => {
    await t.close();
  });

  async function verifyAccessToken(token: string) {
    const jwks = await request(t.app).get('/sandbox/auth/jwks').expect(200);
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks.body), {
      issuer: ISSUER,
      audience: FHIR_BASE_URL,
      typ: 'at+jwt',
      algorithms: ['RS256'],
    });
    return payload;
  }

  it('when a clinician completes an EHR launch, then the token response and the access token carry the launch context and fhirUser', async () => {
    const pkce = newPkce();
    const launch = encodeLaunch({ patient: 'pat-123', encounter: 'enc-9' });
    const callback = await authorize(
      t.app,
      { scope: 'launch openid fhirUser patient/*.rs user/ServiceRequest.cruds', pkce, launch },
      { user: 'clinician' },
    );
    const response = await redeemCode(t.app, callback.get('code')!, pkce.verifier).expect(200);

    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toMatchObject({
      token_type: 'Bearer',
      patient: 'pat-123',
      encounter: 'enc-9',
      need_patient_banner: false,
    });
    expect(response.body.scope.split(' ').sort()).toEqual(
      ['fhirUser', 'launch', 'openid', 'patient/*.rs', 'user/ServiceRequest.cruds'].sort(),
    );
    const claims = await verifyAccessToken(response.body.access_token);
    expect(claims).toMatchObject({
      sub: 'clinician',
      client_id: DEMO_APP_CLIENT_ID,
      fhirUser: 'Practitioner/demo-clinician',
      patient: 'pat-123',
      encounter: 'enc-9',
    });
    expect(decodeJwt(response.body.id_token)).toMatchObject({ fhirUser: 'Practitioner/demo-clinician' });
  });

  it('when a peer supporter launches standalone and picks a patient, then that patient is the context and the app shows the banner', async () => {
    const pkce = newPkce();
    const callback = await authorize(
      t.app,
      { scope: 'launch/patient openid fhirUser patient/Observation.rs', pkce },
      { user: 'peer-supporter', patient: 'pat-456' },
    );
    const response = await redeemCode(t.app, callback.get('code')!, pkce.verifier).expect(200);
    expect(response.body).toMatchObject({ patient: 'pat-456', need_patient_banner: true });
    expect(await verifyAccessToken(response.body.access_token)).toMatchObject({
      sub: 'peer-supporter',
      fhirUser: 'Practitioner/demo-peer-supporter',
      patient: 'pat-456',
      scope: 'launch/patient openid fhirUser patient/Observation.rs',
    });
  });

  it('when a coordinator launches standalone without patient context, then the token has user scopes and no patient', async () => {
    const pkce = newPkce();
    const callback = await authorize(
      t.app,
      { scope: 'openid fhirUser user/ServiceRequest.rs', pkce },
      { user: 'coordinator' },
    );
    const response = await redeemCode(t.app, callback.get('code')!, pkce.verifier).expect(200);
    expect(response.body.patient).toBeUndefined();
    const claims = await verifyAccessToken(response.body.access_token);
    expect(claims).toMatchObject({
      fhirUser: 'Practitioner/demo-coordinator',
      scope: 'openid fhirUser user/ServiceRequest.rs',
    });
    expect(claims.patient).toBeUndefined();
  });

  it('when an app asks for a system/ scope, then the authorization request is refused as invalid_scope', async () => {
    const query = authorizeQuery({ scope: 'openid user/ServiceRequest.rs system/*.*', pkce: newPkce() });
    const response = await request(t.app).get('/sandbox/auth/auth').query(query).expect(303);
    expect(new URL(response.headers.location!).searchParams.get('error')).toBe('invalid_scope');
  });

  it('when the code is redeemed with the wrong PKCE verifier, then it is refused as invalid_grant', async () => {
    const pkce = newPkce();
    const callback = await authorize(
      t.app,
      { scope: 'openid patient/*.rs launch/patient', pkce },
      {
        user: 'clinician',
        patient: 'pat-1',
      },
    );
    const response = await redeemCode(t.app, callback.get('code')!, newPkce().verifier).expect(400);
    expect(response.body.error).toBe('invalid_grant');
  });

  it('when the app asks for the plain PKCE method, then the authorization request is refused', async () => {
    const pkce = newPkce();
    const query = {
      ...authorizeQuery({ scope: 'openid patient/*.rs', pkce }),
      code_challenge: pkce.verifier,
    };
    const response = await request(t.app)
      .get('/sandbox/auth/auth')
      .query({ ...query, code_challenge_method: 'plain' })
      .expect(303);
    const callback = new URL(response.headers.location!);
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('code')).toBeNull();
  });

  it('when the app sends no PKCE challenge, then the authorization request is refused', async () => {
    const {
      code_challenge: _challenge,
      code_challenge_method: _method,
      ...query
    } = authorizeQuery({
      scope: 'openid patient/*.rs',
      pkce: newPkce(),
    });
    const response = await request(t.app).get('/sandbox/auth/auth').query(query).expect(303);
    expect(new URL(response.headers.location!).searchParams.get('error')).toBe('invalid_request');
  });

  it('when the aud parameter is not the FHIR base URL, then the authorization request is refused', async () => {
    const query = authorizeQuery({ scope: 'openid patient/*.rs', pkce: newPkce() });
    const response = await request(t.app)
      .get('/sandbox/auth/auth')
      .query({ ...query, aud: 'http://evil.test/fhir' })
      .expect(303);
    expect(new URL(response.headers.location!).searchParams.get('error')).toBe('invalid_request');
  });

  it('when the launch parameter is not one this EHR issued, then the authorization request is refused', async () => {
    const query = authorizeQuery({
      scope: 'launch openid patient/*.rs',
      pkce: newPkce(),
      launch: 'not-a-launch',
    });
    const response = await request(t.app).get('/sandbox/auth/auth').query(query).expect(303);
    expect(new URL(response.headers.location!).searchParams.get('error')).toBe('invalid_request');
  });

  it('when a browser app on another loopback port signs in, then the code comes back to that port and its origin may redeem it', async () => {
    const pkce = newPkce();
    const redirectUri = 'http://127.0.0.1:5173/callback';
    const callback = await authorize(
      t.app,
      { scope: 'launch/patient openid patient/*.rs', pkce, extra: { redirect_uri: redirectUri } },
      { user: 'clinician', patient: 'pat-5173' },
    );
    const response = await redeemCode(t.app, callback.get('code')!, pkce.verifier, redirectUri)
      .set('Origin', 'http://127.0.0.1:5173')
      .expect(200);
    expect(response.headers['access-control-allow-origin']).toBe('http://127.0.0.1:5173');
    expect(response.body.patient).toBe('pat-5173');
  });

  it('when the app names a redirect URI off this machine, then the authorization request is refused without redirecting', async () => {
    const query = authorizeQuery({ scope: 'openid patient/*.rs', pkce: newPkce() });
    const response = await request(t.app)
      .get('/sandbox/auth/auth')
      .query({ ...query, redirect_uri: 'https://evil.example/callback' })
      .expect(400);
    expect(response.headers.location).toBeUndefined();
    expect(response.text).toContain(
      'redirect_uri did not match any of the client&#39;s registered redirect_uris',
    );
  });

  it('when a page of another origin tries to redeem the code of the app, then the token endpoint refuses it', async () => {
    const pkce = newPkce();
    const callback = await authorize(t.app, { scope: 'openid patient/*.rs', pkce }, { user: 'clinician' });
    const response = await redeemCode(t.app, callback.get('code')!, pkce.verifier)
      .set('Origin', 'https://evil.example')
      .expect(400);
    expect(response.body.error).toBe('invalid_request');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('when the user denies the app, then the app gets access_denied and no code', async () => {
    const browser = request.agent(t.app);
    const start = await browser
      .get('/sandbox/auth/auth')
      .query(authorizeQuery({ scope: 'openid patient/*.rs launch/patient', pkce: newPkce() }))
      .expect(303);
    const denied = await browser
      .post(pathOf(start.headers.location))
      .type('form')
      .send({ decision: 'deny' })
      .expect(303);
    const resumed = await browser.get(pathOf(denied.headers.location)).expect(303);
    const callback = new URL(resumed.headers.location!);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('code')).toBeNull();
  });

  it('when a standalone launch is submitted without a valid patient id, then the sign-in page asks again', async () => {
    const browser = request.agent(t.app);
    const start = await browser
      .get('/sandbox/auth/auth')
      .query(authorizeQuery({ scope: 'openid patient/*.rs launch/patient', pkce: newPkce() }))
      .expect(303);
    const page = await browser
      .post(pathOf(start.headers.location))
      .type('form')
      .send({ decision: 'allow', user: 'clinician', patient: '<script>' })
      .expect(400);
    expect(page.text).toContain('Enter a patient id');
    expect(page.text).not.toContain('<script>');
  });
});
