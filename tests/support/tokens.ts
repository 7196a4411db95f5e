import { randomUUID } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { TEST_AUDIENCE } from './test-audience.js';
import { sharedTestIssuer, type SignOptions } from './test-issuer.js';

export { TEST_AUDIENCE, TEST_BASE_URL } from './test-audience.js';

export interface TokenOptions extends SignOptions {
  /** Space-separated SMART scopes; default `system/*.*`. */
  readonly scope?: string;
  readonly patient?: string;
  readonly fhirUser?: string;
  readonly clientId?: string;
  readonly subject?: string;
  readonly audience?: string | string[];
  /** Seconds from now; negative for an expired token. Default 300. */
  readonly expiresIn?: number;
  /** Claims added last: override anything above, or set one to undefined to leave it out. */
  readonly claims?: Record<string, unknown>;
}

/** A JWT access token (RFC 9068, typ at+jwt) signed by the test issuer the test app trusts. */
export async function signToken(options: TokenOptions = {}): Promise<string> {
  const issuer = await sharedTestIssuer();
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: issuer.url,
    sub: options.subject ?? 'test-user',
    aud: options.audience ?? TEST_AUDIENCE,
    client_id: options.clientId ?? 'test-client',
    scope: options.scope ?? 'system/*.*',
    iat: now,
    exp: now + (options.expiresIn ?? 300),
    jti: randomUUID(),
    ...(options.patient ? { patient: options.patient } : {}),
    ...(options.fhirUser ? { fhirUser: options.fhirUser } : {}),
    ...options.claims,
  };
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined) {
      delete claims[name];
    }
  }
  return issuer.sign(claims as JWTPayload, options);
}

/** `Bearer …` for an Authorization header; `system/*.*` unless told otherwise. */
export async function authHeader(
  scope = 'system/*.*',
  options: Omit<TokenOptions, 'scope'> = {},
): Promise<string> {
  return `Bearer ${await signToken({ ...options, scope })}`;
}

/** `Bearer …` for a patient-launch token confined to one patient. */
export async function patientAuthHeader(patient: string, scope = 'patient/*.cruds'): Promise<string> {
  return authHeader(scope, { patient });
}
