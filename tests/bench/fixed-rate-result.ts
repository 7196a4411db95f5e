import type { FixedRateRawResult } from './fixed-rate.js';

/**
 * A server kept the requested rate when it answered at least this share of it while the schedule
 * ran. Not all of it: the requests still in flight when the schedule ends (rate × latency, about
 * 1 % of a 4 s round at 50 ms) are answered after it.
 */
export const KEPT_RATE_SHARE = 0.95;

/** One or more runs at the same fixed rate, against the same target, as one. */
export interface FixedRateResult {
  readonly requestedPerSecond: number;
  /** Responses read while the schedules ran, per second of schedule. */
  readonly achievedPerSecond: number;
  /** False when the server answered less than KEPT_RATE_SHARE of the rate, or let a request time out. */
  readonly keptRate: boolean;
  /** Latency from when a request was due until its response was read, over every request. */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly requests: number;
  readonly maxSendDelayMs: number;
  readonly timeouts: number;
  /** The server's longest event-loop stall during the runs, when it was asked. */
  readonly longestServerStallMs: number | undefined;
  readonly runs: readonly Round[];
}

/** One schedule's figures, with the server's longest event-loop stall while it ran. */
export type Round = FixedRateRawResult & { readonly longestServerStallMs?: number };

export function summarizeFixedRate(runs: readonly Round[]): FixedRateResult {
  const latencies = runs.flatMap((run) => run.latenciesMs).sort((a, b) => a - b);
  const seconds = runs.reduce((total, run) => total + run.seconds, 0);
  const requestedPerSecond = runs[0]!.requestsPerSecond;
  const achievedPerSecond = runs.reduce((total, run) => total + run.answeredOnSchedule, 0) / seconds;
  const timeouts = runs.reduce((total, run) => total + run.timeouts, 0);
  return {
    requestedPerSecond,
    achievedPerSecond,
    keptRate: timeouts === 0 && achievedPerSecond >= KEPT_RATE_SHARE * requestedPerSecond,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: latencies.at(-1)!,
    requests: latencies.length,
    maxSendDelayMs: Math.max(...runs.map((run) => run.maxSendDelayMs)),
    timeouts,
    longestServerStallMs: runs.every((run) => run.longestServerStallMs === undefined)
      ? undefined
      : Math.max(...runs.map((run) => run.longestServerStallMs ?? 0)),
    runs,
  };
}

export function combineFixedRate(results: readonly FixedRateResult[]): FixedRateResult {
  return summarizeFixedRate(results.flatMap((result) => result.runs));
}

/** The nearest-rank percentile of sorted values: the smallest value at or above that share of them. */
function percentile(sorted: readonly number[], share: number): number {
  return sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)]!;
}
