import autocannon from 'autocannon';

/**
 * Headers every bench request carries: `Authorization: Bearer <token>` for PeerBridge, which
 * authorizes every /fhir request, and nothing for the baseline, which has no authorization.
 */
export function headers(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

export interface LoadOptions {
  readonly baseUrl: string;
  /** Access token sent as a bearer token with every request; none for the baseline. */
  readonly token?: string;
  readonly method: 'GET' | 'POST';
  /** Called per request: the path (and body) of the next request. */
  readonly next: () => { path: string; body?: string };
  readonly connections: number;
  /** Seconds to run, or a number of requests when amount is given. */
  readonly seconds?: number;
  readonly amount?: number;
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

type Target = Pick<LoadOptions, 'baseUrl' | 'connections'>;

/** What autocannon returns with skipAggregateResult: counts, seconds and encoded histograms. */
interface RawResult {
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

/** Drives load with autocannon and fails loudly if any response is not a 2xx or a request errors. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const result = (await autocannon({
    url: options.baseUrl,
    connections: options.connections,
    // Keeps the encoded histograms in the result, so that rounds can be merged (combine).
    skipAggregateResult: true,
    ...(options.amount ? { amount: options.amount } : { duration: options.seconds ?? 10 }),
    requests: [
      {
        method: options.method,
        setupRequest: (request) => {
          const { path, body } = options.next();
          return {
            ...request,
            path,
            headers: {
              ...headers(options.token),
              accept: 'application/fhir+json',
              'content-type': 'application/fhir+json',
            },
            ...(body === undefined ? {} : { body }),
          };
        },
      },
    ],
  })) as unknown as RawResult;
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `${options.method} ${options.baseUrl}: ${result.non2xx} non-2xx responses, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  return summarize([result], options);
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
