import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { SmartConfig } from '../config/config.js';
import {
  createAuthContext,
  PatientContextMissingError,
  type AccessTokenClaims,
  type AuthContext,
} from './auth-context.js';
import { TokenIntrospector } from './introspection.js';
import { verifyJwtAccessToken, TokenRejectedError } from './jwt-access-token.js';
import { DEFAULT_ISSUER_OPTIONS, TrustedIssuer, type IssuerOptions } from './trusted-issuer.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/**
 * Turns a bearer token into an AuthContext, or throws TokenRejectedError (→ 401) or
 * IssuerUnavailableError (→ 503). A token shaped like a JWT is verified locally against its
 * issuer's keys; anything else is treated as opaque and introspected. An accepted token's context
 * is reused for up to a minute (never past its `exp`), so a client that sends the same token on
 * every request does not pay for a signature check or an introspection call each time.
 */
export class TokenVerifier {
  readonly issuers: readonly TrustedIssuer[];
  private readonly byUrl: ReadonlyMap<string, TrustedIssuer>;
  private readonly introspector: TokenIntrospector;
  private readonly accepted = new VerifiedTokenCache<AuthContext>();

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
    const cached = this.accepted.get(token);
    if (cached) {
      return cached;
    }
    const claims = looksLikeJwt(token) ? await this.verifyJwt(token) : await this.introspect(token);
    const context = contextOf(claims);
    this.accepted.remember(token, context, typeof claims.exp === 'number' ? claims.exp : undefined);
    return context;
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

function contextOf(claims: AccessTokenClaims): AuthContext {
  try {
    return createAuthContext(claims);
  } catch (error) {
    if (error instanceof PatientContextMissingError) {
      throw new TokenRejectedError('patient_context_missing', error.message);
    }
    throw error;
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
