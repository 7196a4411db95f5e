import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import autocannon from 'autocannon';
import { summarizeFixedRate, type FixedRateResult } from './fixed-rate-result.js';
import type { FixedRateRawResult } from './fixed-rate.js';

/**
 * Headers every bench request carries: `Authorization: Bearer <token>` for PeerBridge, which
 * authorizes every /fhir request, and nothing for the baseline, which has no authorization.
 */
export function headers(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

/** One load run, as plain data, so that it can be handed to the load generator's thread. */
export interface LoadJob<P extends Pace = Pace> {
  readonly baseUrl: string;
  /** Access token sent as a bearer token with every request; none for the baseline. */
  readonly token?: string;
  readonly requests: LoadRequests;
  readonly pace: P;
  readonly seconds: number;
}

/**
 * How requests are sent. In a closed loop (autocannon) each connection sends its next request
 * when its last one is answered, so the server sets the pace: a measure of its maximum. At a
 * fixed rate (fixed-rate.ts) each request is sent when it is due, answered or not: a measure of
 * latency at a given load.
 */
export type Pace = ClosedLoop | FixedRate;
export interface ClosedLoop {
  readonly kind: 'closed-loop';
  readonly connections: number;
}
export interface FixedRate {
  readonly kind: 'fixed-rate';
  readonly requestsPerSecond: number;
}

/**
 * POST a new ServiceRequest to path each time, GET the paths in turn, or POST the same body (of
 * the given media type) to path each time.
 */
export type LoadRequests =
  | { readonly kind: 'create'; readonly path: string }
  | { readonly kind: 'read'; readonly paths: readonly string[] }
  | { readonly kind: 'post'; readonly path: string; readonly body: string; readonly contentType: string };

export function methodOf(requests: LoadRequests): 'POST' | 'GET' {
  return requests.kind === 'read' ? 'GET' : 'POST';
}

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  /** autocannon's unaggregated results (with their latency histograms), so runs combine exactly. */
  readonly runs: readonly RawResult[];
  readonly target: Target;
}

interface Target {
  readonly baseUrl: string;
  readonly connections: number;
}

/** What autocannon returns with skipAggregateResult: counts, seconds and encoded histograms. */
export interface RawResult {
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly totalCompletedRequests: number;
  readonly duration: number;
}

// autocannon 8+ has aggregateResult; @types/autocannon does not declare it yet.
const { aggregateResult } = autocannon as unknown as {
  aggregateResult(
    results: readonly RawResult[],
    options: { url: string; connections: number },
  ): autocannon.Result;
};

/**
 * Drives load on a thread of its own (load-worker.ts), one job at a time, and fails loudly if any
 * response is not a 2xx or a request errors. At a fixed rate a timeout is not a failure of the
 * bench but a server that could not keep the rate: it is counted and reported.
 */
export class LoadGenerator {
  /** Rejects when the thread fails; every run races against this one listener. */
  private readonly failed: Promise<never>;

  private constructor(private readonly worker: Worker) {
    this.failed = once(worker, 'error').then(([error]) => Promise.reject(error as Error));
    // A failure is reported by the run it interrupts; with no run waiting it is not unhandled.
    this.failed.catch(() => undefined);
  }

  static start(): LoadGenerator {
    return new LoadGenerator(new Worker(new URL('./load-worker.ts', import.meta.url)));
  }

  async run(job: LoadJob<ClosedLoop>): Promise<LoadResult> {
    const result = await this.exchange<RawResult>(job);
    failOn(job, { 'non-2xx responses': result.non2xx, errors: result.errors, timeouts: result.timeouts });
    return summarize([result], { baseUrl: job.baseUrl, connections: job.pace.connections });
  }

  async runAtFixedRate(job: LoadJob<FixedRate>): Promise<FixedRateResult> {
    const result = await this.exchange<FixedRateRawResult>(job);
    failOn(job, { 'non-2xx responses': result.non2xx, errors: result.errors });
    return summarizeFixedRate([result]);
  }

  private async exchange<R>(job: LoadJob): Promise<R> {
    this.worker.postMessage(job);
    const [reply] = (await Promise.race([once(this.worker, 'message'), this.failed])) as [
      { result?: R; error?: string },
    ];
    if (!reply.result) {
      throw new Error(`load generator: ${reply.error}`);
    }
    return reply.result;
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

function failOn(job: LoadJob, problems: Record<string, number>): void {
  const found = Object.entries(problems).filter(([, count]) => count > 0);
  if (found.length > 0) {
    const counts = found.map(([problem, count]) => `${count} ${problem}`).join(', ');
    throw new Error(`${methodOf(job.requests)} ${job.baseUrl}: ${counts}`);
  }
}

/**
 * Runs against the same target, as one: throughput over their total time, and p50 and p99 over
 * every request of every run (autocannon merges the runs' latency histograms).
 */
export function combine(results: readonly LoadResult[]): LoadResult {
  return summarize(
    results.flatMap((result) => result.runs),
    results[0]!.target,
  );
}

function summarize(runs: readonly RawResult[], target: Target): LoadResult {
  const merged = aggregateResult(runs, { url: target.baseUrl, connections: target.connections });
  return {
    target: { baseUrl: target.baseUrl, connections: target.connections },
    requestsPerSecond: sum(runs, (run) => run.totalCompletedRequests) / sum(runs, (run) => run.duration),
    p50: merged.latency.p50,
    p99: merged.latency.p99,
    requests: sum(runs, (run) => run.totalCompletedRequests),
    runs,
  };
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}
