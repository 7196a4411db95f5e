import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { SmartConfig } from '../config/config.js';
import { createAuthContext, PatientContextMissingError, type AuthContext } from './auth-context.js';
import { TokenIntrospector } from './introspection.js';
import { verifyJwtAccessToken, TokenRejectedError } from './jwt-access-token.js';
import { DEFAULT_ISSUER_OPTIONS, TrustedIssuer, type IssuerOptions } from './trusted-issuer.js';

/**
 * Turns a bearer token into an AuthContext, or throws TokenRejectedError (→ 401) or
 * IssuerUnavailableError (→ 503). A token shaped like a JWT is verified locally against its
 * issuer's keys; anything else is treated as opaque and introspected.
 */
export class TokenVerifier {
  readonly issuers: readonly TrustedIssuer[];
  private readonly byUrl: ReadonlyMap<string, TrustedIssuer>;
  private readonly introspector: TokenIntrospector;

  constructor(
    private readonly config: SmartConfig,
    options: IssuerOptions = DEFAULT_ISSUER_OPTIONS,
  ) {
    this.issuers = config.issuers.map((url) => new TrustedIssuer(url, options));
    this.byUrl = new Map(this.issuers.map((issuer) => [issuer.url, issuer]));
    this.introspector = new TokenIntrospector(
      this.issuers.flatMap((issuer) => {
        const client = config.introspectionClients.get(issuer.url);
        return client ? [{ issuer, client }] : [];
      }),
      config.audiences,
      options.fetchTimeoutMs,
    );
  }

  async verify(token: string): Promise<AuthContext> {
    const claims = looksLikeJwt(token) ? await this.verifyJwt(token) : await this.introspect(token);
    try {
      return createAuthContext(claims);
    } catch (error) {
      if (error instanceof PatientContextMissingError) {
        throw new TokenRejectedError('patient_context_missing', error.message);
      }
      throw error;
    }
  }

  private async verifyJwt(token: string) {
    let iss: unknown;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      throw new TokenRejectedError('malformed', 'The access token is malformed');
    }
    const issuer = typeof iss === 'string' ? this.byUrl.get(iss) : undefined;
    if (!issuer) {
      throw new TokenRejectedError('untrusted_issuer', 'The access token was issued by an untrusted issuer');
    }
    return verifyJwtAccessToken(token, issuer, {
      audiences: this.config.audiences,
      typed: !this.config.untypedTokenIssuers.includes(issuer.url),
    });
  }

  private async introspect(token: string) {
    if (!this.introspector.configured) {
      throw new TokenRejectedError('not_a_jwt', 'The access token is not a JWT from a trusted issuer');
    }
    return this.introspector.introspect(token);
  }
}

/** A JWS compact serialization: three base64url parts and a header that decodes to JSON. */
function looksLikeJwt(token: string): boolean {
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(token)) {
    return false;
  }
  try {
    decodeProtectedHeader(token);
    return true;
  } catch {
    return false;
  }
}
