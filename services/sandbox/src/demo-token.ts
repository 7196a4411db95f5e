import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, importJWK } from 'jose';
import { DEMO_BACKEND_PRIVATE_JWKS } from './demo-backend-keys.js';
import { DEMO_APP_CLIENT_ID, DEMO_APP_REDIRECT_URI, DEMO_BACKEND_CLIENT_ID } from './demo-clients.js';
import { findDemoUser } from './demo-users.js';
import { encodeLaunch } from './launch-context.js';

/**
 * Gets a real token from a running sandbox the way a client would: SMART Backend Services for
 * the demo backend, or the demo app's authorization code flow with PKCE — an EHR launch when a
 * patient is given — signing in on the sandbox's page as a demo user. For demos and tests only.
 */
export interface DemoTokenRequest {
  /** The sandbox issuer, e.g. http://localhost:8080/sandbox/auth. */
  readonly issuer: string;
  /** `backend`, or a demo user id: clinician, peer-supporter, coordinator. */
  readonly as: string;
  readonly patient?: string;
  readonly encounter?: string;
  readonly scope?: string;
}

export type TokenResponse = Record<string, unknown> & { access_token: string };

interface Discovery {
  readonly issuer: string;
  readonly token_endpoint: string;
  readonly authorization_endpoint: string;
}

export class DemoTokenError extends Error {}

export async function fetchDemoToken(request: DemoTokenRequest): Promise<TokenResponse> {
  const discovery = (await expectJson(
    await fetch(`${request.issuer}/.well-known/openid-configuration`),
    'discovery',
  )) as Discovery;
  if (request.as === 'backend') {
    return backendToken(discovery, request.scope ?? 'system/*.rs');
  }
  if (!findDemoUser(request.as)) {
    throw new DemoTokenError(
      `--as must be backend, clinician, peer-supporter or coordinator, not ${request.as}`,
    );
  }
  return userToken(discovery, request);
}

async function backendToken(discovery: Discovery, scope: string): Promise<TokenResponse> {
  const jwk = DEMO_BACKEND_PRIVATE_JWKS.keys[0];
  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({
    iss: DEMO_BACKEND_CLIENT_ID,
    sub: DEMO_BACKEND_CLIENT_ID,
    aud: discovery.token_endpoint,
    jti: randomUUID(),
    iat: now,
    exp: now + 240,
  })
    .setProtectedHeader({ alg: jwk.alg, kid: jwk.kid, typ: 'JWT' })
    .sign(await importJWK(jwk, jwk.alg));
  return tokenRequest(discovery, {
    grant_type: 'client_credentials',
    scope,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  });
}

async function userToken(discovery: Discovery, request: DemoTokenRequest): Promise<TokenResponse> {
  const fhirBaseUrl = new URL('/fhir', discovery.issuer).href;
  const launch = request.patient
    ? encodeLaunch({
        patient: request.patient,
        ...(request.encounter ? { encounter: request.encounter } : {}),
      })
    : undefined;
  const scope =
    request.scope ?? (launch ? 'launch openid fhirUser patient/*.cruds' : 'openid fhirUser user/*.cruds');
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(discovery.authorization_endpoint);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: DEMO_APP_CLIENT_ID,
    redirect_uri: DEMO_APP_REDIRECT_URI,
    scope,
    state: randomUUID(),
    aud: fhirBaseUrl,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(launch ? { launch } : {}),
  }).toString();

  const browser = new CookieBrowser();
  const interaction = await browser.redirect(authorize.href);
  const form = new URLSearchParams({ decision: 'allow', user: request.as });
  const submitted = await browser.redirect(interaction, { method: 'POST', body: form });
  const callback = new URL(await browser.redirect(submitted));
  const code = callback.searchParams.get('code');
  if (!code) {
    throw new DemoTokenError(
      `authorization refused: ${callback.searchParams.get('error_description') ?? callback.searchParams.get('error')}`,
    );
  }
  return tokenRequest(discovery, {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: DEMO_APP_REDIRECT_URI,
    client_id: DEMO_APP_CLIENT_ID,
  });
}

async function tokenRequest(discovery: Discovery, form: Record<string, string>): Promise<TokenResponse> {
  const response = await fetch(discovery.token_endpoint, { method: 'POST', body: new URLSearchParams(form) });
  return (await expectJson(response, 'token request')) as TokenResponse;
}

async function expectJson(response: Response, step: string): Promise<unknown> {
  const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!response.ok) {
    throw new DemoTokenError(
      `${step} failed with HTTP ${response.status}: ${String(body?.error_description ?? body?.error ?? '')}`,
    );
  }
  return body;
}

/** Just enough of a browser for the sign-in redirects: keeps cookies, follows one redirect at a time. */
class CookieBrowser {
  private readonly cookies = new Map<string, string>();

  async redirect(url: string, init: { method?: string; body?: URLSearchParams } = {}): Promise<string> {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const separator = pair.indexOf('=');
      this.cookies.set(pair.slice(0, separator), pair.slice(separator + 1));
    }
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) {
      throw new DemoTokenError(`sign-in step ${new URL(url).pathname} answered HTTP ${response.status}`);
    }
    return new URL(location, url).href;
  }
}
