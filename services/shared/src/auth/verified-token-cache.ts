import { hash } from 'node:crypto';

/**
 * How long a verified token's result is reused at most. It is shorter than the JWKS cache
 * (IssuerOptions.jwksMaxAgeMs, 10 minutes), so reusing a verification never extends how long a
 * key the issuer has withdrawn stays trusted beyond what caching the JWKS already allows.
 */
export const VERIFIED_TOKEN_MAX_AGE_MS = 60_000;
const MAX_ENTRIES = 10_000;

interface Entry<T> {
  readonly value: T;
  readonly until: number;
}

/**
 * Remembers what verifying (or introspecting) an accepted access token produced, so that a client
 * sending the same token on every request pays for the signature check or the introspection call
 * once, as API gateways do. Entries are keyed by a SHA-256 hash of the token, never the token
 * itself, and end at the token's `exp` or after the maximum age, whichever comes first. Refused
 * tokens are never remembered.
 */
export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly maxAgeMs: number = VERIFIED_TOKEN_MAX_AGE_MS,
    private readonly maxEntries: number = MAX_ENTRIES,
  ) {}

  get(token: string): T | undefined {
    const key = keyOf(token);
    const entry = this.entries.get(key);
    if (entry && entry.until > Date.now()) {
      return entry.value;
    }
    this.entries.delete(key);
    return undefined;
  }

  /** expiresAt: the token's `exp` in seconds since the epoch, when it has one. */
  remember(token: string, value: T, expiresAt: number | undefined): void {
    const now = Date.now();
    const until = Math.min(expiresAt === undefined ? Infinity : expiresAt * 1000, now + this.maxAgeMs);
    if (until <= now) {
      return;
    }
    if (this.entries.size >= this.maxEntries) {
      // Map keeps insertion order: drop the entry remembered longest ago.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) {
        this.entries.delete(oldest);
      }
    }
    this.entries.set(keyOf(token), { value, until });
  }
}

// crypto.hash is the one-shot form of createHash: the same digest, without a Hash object per
// request (half the cost or less for a token-sized input).
function keyOf(token: string): string {
  return hash('sha256', token, 'base64url');
}
