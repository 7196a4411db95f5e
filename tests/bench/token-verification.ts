import { performance } from 'node:perf_hooks';
import { TokenVerifier, type SmartConfig } from '@peerbridge/shared';
import type { TestIssuer } from '../support/test-issuer.js';

/** Issue 4's budget for verifying one access token once the issuer's keys are cached. */
export const TOKEN_VERIFICATION_TARGET_MS = 1;

export interface TokenVerificationFigures {
  readonly verifications: number;
  /** Per verification, in milliseconds. */
  readonly p50: number;
  readonly p99: number;
  /** JWKS fetches during the timed verifications: 0 shows the keys came from the cache. */
  readonly jwksFetches: number;
}

/**
 * Times `TokenVerifier.verify` — the verifier the server builds from the same SMART config —
 * on one valid JWT, one verification at a time. The warm-up discovers the issuer, fetches its
 * JWKS and lets the JIT settle; only the verifications after it are timed.
 */
export async function measureTokenVerification(
  smart: SmartConfig,
  issuer: TestIssuer,
  token: string,
  options: { warmUp: number; verifications: number },
): Promise<TokenVerificationFigures> {
  const verifier = new TokenVerifier(smart);
  for (let n = 0; n < options.warmUp; n++) {
    await verifier.verify(token);
  }
  const jwksBefore = issuer.jwksRequests;
  const times: number[] = [];
  for (let n = 0; n < options.verifications; n++) {
    const started = performance.now();
    await verifier.verify(token);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))]!;
  return {
    verifications: options.verifications,
    p50: at(0.5),
    p99: at(0.99),
    jwksFetches: issuer.jwksRequests - jwksBefore,
  };
}
