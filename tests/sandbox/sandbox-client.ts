import { randomUUID, createHash, randomBytes } from 'node:crypto';
import { SignJWT, importJWK } from 'jose';
import request from 'supertest';
import type { Express } from 'express';
import {
  DEMO_APP_CLIENT_ID,
  DEMO_APP_REDIRECT_URI,
  DEMO_BACKEND_CLIENT_ID,
  DEMO_BACKEND_PRIVATE_JWKS,
  SANDBOX_INTROSPECTION_CLIENT,
} from '@peerbridge/sandbox';
import { TEST_BASE_URL } from '../support/test-app.js';

export const ISSUER = `${TEST_BASE_URL}/sandbox/auth`;
export const TOKEN_URL = `${ISSUER}/token`;
export const FHIR_BASE_URL = `${TEST_BASE_URL}/fhir`;
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export type AssertionAlgorithm = 'RS384' | 'ES384';

/** A SMART Backend Services client assertion signed with the demo backend's fixture key. */
export async function clientAssertion(
  alg: AssertionAlgorithm = 'RS384',
  claims: Record<string, unknown> = {},
  expiresInSeconds = 240,
): Promise<string> {
  const jwk = DEMO_BACKEND_PRIVATE_JWKS.keys.find((key) => key.alg === alg)!;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: DEMO_BACKEND_CLIENT_ID,
    sub: DEMO_BACKEND_CLIENT_ID,
    aud: TOKEN_URL,
    jti: randomUUID(),
    iat: now,
    exp: now + expiresInSeconds,
    ...claims,
  })
    .setProtectedHeader({ alg, kid: jwk.kid, typ: 'JWT' })
    .sign(await importJWK(jwk, alg));
}

export function requestBackendToken(app: Express, assertion: string, scope = 'system/*.rs') {
  return request(app).post('/sandbox/auth/token').type('form').send({
    grant_type: 'client_credentials',
    scope,
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: assertion,
  });
}

export function introspect(app: Express, token: string) {
  return request(app)
    .post('/sandbox/auth/token/introspection')
    .auth(SANDBOX_INTROSPECTION_CLIENT.clientId, SANDBOX_INTROSPECTION_CLIENT.clientSecret)
    .type('form')
    .send({ token });
}

export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

export function newPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface AuthorizeOptions {
  readonly scope: string;
  readonly pkce: Pkce;
  readonly launch?: string;
  readonly extra?: Record<string, string>;
}

export function authorizeQuery(options: AuthorizeOptions): Record<string, string> {
  return {
    response_type: 'code',
    client_id: DEMO_APP_CLIENT_ID,
    redirect_uri: DEMO_APP_REDIRECT_URI,
    scope: options.scope,
    state: randomUUID(),
    aud: FHIR_BASE_URL,
    code_challenge: options.pkce.challenge,
    code_challenge_method: 'S256',
    ...(options.launch ? { launch: options.launch } : {}),
    ...options.extra,
  };
}

/** Follows one redirect inside the app: the Location header as a path on the test app. */
export function pathOf(location: string | undefined): string {
  if (!location) {
    throw new Error('expected a redirect');
  }
  const url = new URL(location, TEST_BASE_URL);
  return url.pathname + url.search;
}

/**
 * Runs the browser side of the authorization code flow with a cookie-keeping agent: the
 * authorization request, the sign-in page (choosing a demo user and, if asked, a patient), and
 * back to the app's redirect URI. Returns the redirect's query parameters.
 */
export async function authorize(
  app: Express,
  options: AuthorizeOptions,
  form: { user: string; patient?: string },
): Promise<URLSearchParams> {
  const browser = request.agent(app);
  const start = await browser.get('/sandbox/auth/auth').query(authorizeQuery(options)).expect(303);
  const interactionPath = pathOf(start.headers.location);
  await browser.get(interactionPath).expect(200);
  const submitted = await browser
    .post(interactionPath)
    .type('form')
    .send({ decision: 'allow', ...form })
    .expect(303);
  const resumed = await browser.get(pathOf(submitted.headers.location)).expect(303);
  const callback = new URL(resumed.headers.location!);
  expect(callback.origin + callback.pathname).toBe(options.extra?.redirect_uri ?? DEMO_APP_REDIRECT_URI);
  return callback.searchParams;
}

export function redeemCode(
  app: Express,
  code: string,
  verifier: string,
  redirectUri: string = DEMO_APP_REDIRECT_URI,
) {
  return request(app).post('/sandbox/auth/token').type('form').send({
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: redirectUri,
    client_id: DEMO_APP_CLIENT_ID,
  });
}
