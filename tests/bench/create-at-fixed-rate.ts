import { combineFixedRate, summarizeFixedRate, type FixedRateResult } from './fixed-rate-result.js';
import { LoadGenerator } from './load.js';
import { alternate, type Measured, type ThroughputTarget, type Timing } from './throughput.js';

/** The fixed rate, as a share of the baseline's maximum (its closed-loop create throughput). */
export const FIXED_RATE_SHARE = 0.25;

export interface FixedRateRun {
  /** The baseline's closed-loop create throughput, measured earlier in the same bench run. */
  readonly baselineMaximum: number;
  readonly requestsPerSecond: number;
  readonly ours: Measured<FixedRateResult>;
  readonly baseline: Measured<FixedRateResult>;
}

/**
 * Create latency at a load both servers can carry: FIXED_RATE_SHARE of the baseline's maximum,
 * sent in an open loop (fixed-rate.ts). Unlike the closed loop, where each request queues behind
 * the 31 others in flight, this shows what one create costs a client at a given load, plus the
 * queueing that load really causes. As in the closed loop, PeerBridge and the baseline alternate
 * rounds, so that a slow spell of the machine weighs on both alike.
 */
export async function measureCreateAtFixedRate(
  ours: ThroughputTarget,
  baseline: ThroughputTarget,
  baselineMaximum: number,
  timing: Timing,
): Promise<FixedRateRun> {
  const requestsPerSecond = Math.round(FIXED_RATE_SHARE * baselineMaximum);
  const generator = LoadGenerator.start();
  try {
    const create = (target: ThroughputTarget) => async (seconds: number) => {
      await target.longestStallMs?.();
      const result = await generator.runAtFixedRate({
        baseUrl: target.baseUrl,
        token: target.token,
        requests: { kind: 'create', path: target.createPath },
        pace: { kind: 'fixed-rate', requestsPerSecond },
        seconds,
      });
      const longestServerStallMs = await target.longestStallMs?.();
      return summarizeFixedRate(result.runs.map((run) => ({ ...run, longestServerStallMs })));
    };
    const [ourCreate, baselineCreate] = await alternate(
      [create(ours), create(baseline)],
      timing,
      combineFixedRate,
    );
    return { baselineMaximum, requestsPerSecond, ours: ourCreate, baseline: baselineCreate };
  } finally {
    await generator.stop();
  }
}
