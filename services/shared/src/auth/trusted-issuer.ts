import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { discoverIssuer, IssuerUnavailableError, type IssuerMetadata } from './issuer-metadata.js';

export interface IssuerOptions {
  /** Wait at least this long between two JWKS fetches, so unknown `kid`s cannot flood the issuer. */
  readonly jwksCooldownMs: number;
  /** Refetch the JWKS after this long even when every `kid` is known, to notice revoked keys. */
  readonly jwksMaxAgeMs: number;
  readonly fetchTimeoutMs: number;
  /** After a failed discovery, wait this long before asking the issuer again. */
  readonly retryAfterFailureMs: number;
}

export const DEFAULT_ISSUER_OPTIONS: IssuerOptions = {
  jwksCooldownMs: 30_000,
  jwksMaxAgeMs: 10 * 60_000,
  fetchTimeoutMs: 5_000,
  retryAfterFailureMs: 1_000,
};

/**
 * One trusted issuer. Its metadata is discovered on first use, not at start-up, because the
 * issuer may be served by this very process (the development sandbox); a failed discovery is
 * retried on a later request. Keys come only from the issuer's own jwks_uri: jose's remote key set
 * selects by `kid` and `alg` and never looks at `jku`, `x5u` or an embedded `jwk` header.
 */
export class TrustedIssuer {
  private metadataPromise: Promise<IssuerMetadata> | undefined;
  private failedAt = 0;
  private keySet: JWTVerifyGetKey | undefined;

  constructor(
    readonly url: string,
    private readonly options: IssuerOptions = DEFAULT_ISSUER_OPTIONS,
  ) {}

  metadata(): Promise<IssuerMetadata> {
    if (!this.metadataPromise) {
      if (Date.now() - this.failedAt < this.options.retryAfterFailureMs) {
        return Promise.reject(new IssuerUnavailableError(`Discovery for ${this.url} failed moments ago`));
      }
      this.metadataPromise = discoverIssuer(this.url, this.options.fetchTimeoutMs).catch((error: unknown) => {
        this.metadataPromise = undefined;
        this.failedAt = Date.now();
        throw error;
      });
    }
    return this.metadataPromise;
  }

  async keys(): Promise<JWTVerifyGetKey> {
    if (!this.keySet) {
      const { jwks_uri } = await this.metadata();
      this.keySet ??= createRemoteJWKSet(new URL(jwks_uri), {
        cooldownDuration: this.options.jwksCooldownMs,
        cacheMaxAge: this.options.jwksMaxAgeMs,
        timeoutDuration: this.options.fetchTimeoutMs,
      });
    }
    return this.keySet;
  }
}
