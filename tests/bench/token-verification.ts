import { performance } from 'node:perf_hooks';
import { TokenVerifier, type SmartConfig } from '@peerbridge/shared';
import type { TestIssuer } from '../support/test-issuer.js';

/** Issue 4's budget for verifying one access token once the issuer's keys are cached. */
export const TOKEN_VERIFICATION_TARGET_MS = 1;

export interface Timings {
  readonly verifications: number;
  /** Per verification, in milliseconds. */
  readonly p50: number;
  readonly p99: number;
}

export interface TokenVerificationFigures {
  /** Each token verified for the first time: the signature and claims are checked. */
  readonly firstUse: Timings;
  /** One token verified again and again: the verifier reuses its earlier result. */
  readonly repeatUse: Timings;
  /** JWKS fetches during the timed verifications: 0 shows the keys came from the cache. */
  readonly jwksFetches: number;
}

/**
 * Times `TokenVerifier.verify` — the verifier the server builds from the same SMART config —
 * one verification at a time: first on distinct tokens, each seen for the first time (a full
 * signature check), then on one token sent again and again, as a client sends
 * its access token with every request. The warm-up tokens discover the issuer, fetch its JWKS
 * and let the JIT settle; only the verifications after them are timed.
 */
export async function measureTokenVerification(
  smart: SmartConfig,
  issuer: TestIssuer,
  tokens: readonly string[],
  options: { warmUp: number; repeats: number },
): Promise<TokenVerificationFigures> {
  const verifier = new TokenVerifier(smart);
  const [warmUp, fresh] = [tokens.slice(0, options.warmUp), tokens.slice(options.warmUp)];
  for (const token of warmUp) {
    await verifier.verify(token);
  }
  const jwksBefore = issuer.jwksRequests;
  const firstUse = await timed(fresh, (token) => verifier.verify(token));
  const repeated = fresh[0]!;
  const repeatUse = await timed(Array(options.repeats).fill(repeated), (token) => verifier.verify(token));
  return { firstUse, repeatUse, jwksFetches: issuer.jwksRequests - jwksBefore };
}

async function timed(
  tokens: readonly string[],
  verify: (token: string) => Promise<unknown>,
): Promise<Timings> {
  const times: number[] = [];
  for (const token of tokens) {
    const started = performance.now();
    await verify(token);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))]!;
  return { verifications: times.length, p50: at(0.5), p99: at(0.99) };
}
