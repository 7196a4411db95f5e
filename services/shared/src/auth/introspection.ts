import type { IntrospectionClient } from '../config/config.js';
import type { AccessTokenClaims } from './auth-context.js';
import { IssuerUnavailableError } from './issuer-metadata.js';
import { CLOCK_TOLERANCE_SECONDS, TokenRejectedError } from './jwt-access-token.js';
import type { TrustedIssuer } from './trusted-issuer.js';

/**
 * Checks opaque tokens with RFC 7662 introspection at the issuers PeerBridge holds introspection
 * credentials for (client_secret_basic). An active answer is cached by TokenVerifier, never beyond
 * the token's own expiry.
 */
export class TokenIntrospector {
  constructor(
    private readonly issuers: readonly { issuer: TrustedIssuer; client: IntrospectionClient }[],
    private readonly audiences: readonly string[],
    private readonly timeoutMs: number,
  ) {}

  get configured(): boolean {
    return this.issuers.length > 0;
  }

  async introspect(token: string): Promise<AccessTokenClaims> {
    for (const { issuer, client } of this.issuers) {
      const claims = await this.ask(issuer, client, token);
      if (claims) {
        return claims;
      }
    }
    throw new TokenRejectedError('inactive', 'The access token is not active');
  }

  private async ask(
    issuer: TrustedIssuer,
    client: IntrospectionClient,
    token: string,
  ): Promise<AccessTokenClaims | undefined> {
    const { introspection_endpoint: endpoint } = await issuer.metadata();
    if (!endpoint) {
      return undefined;
    }
    let body: Record<string, unknown>;
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          authorization: basicAuth(client),
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) {
        throw new Error(`HTTP ${response.status}`);
      }
      body = (await response.json()) as Record<string, unknown>;
    } catch {
      throw new IssuerUnavailableError(`Introspection at ${issuer.url} failed`);
    }
    return this.accepted(issuer, body);
  }

  private accepted(issuer: TrustedIssuer, body: Record<string, unknown>): AccessTokenClaims | undefined {
    if (body.active !== true) {
      return undefined;
    }
    const now = Date.now();
    const exp = typeof body.exp === 'number' ? body.exp * 1000 : undefined;
    if (exp !== undefined && exp + CLOCK_TOLERANCE_SECONDS * 1000 <= now) {
      return undefined;
    }
    if (body.iss !== undefined && body.iss !== issuer.url) {
      return undefined;
    }
    const aud = typeof body.aud === 'string' ? [body.aud] : Array.isArray(body.aud) ? body.aud : undefined;
    if (aud && !aud.some((value) => this.audiences.includes(value as string))) {
      return undefined;
    }
    return { ...body, iss: issuer.url };
  }
}

function basicAuth({ clientId, clientSecret }: IntrospectionClient): string {
  // RFC 6749 section 2.3.1: both parts are form-urlencoded before base64.
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}
