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
}

/** Drives load with autocannon and fails loudly if any response is not a 2xx or a request errors. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.baseUrl,
    connections: options.connections,
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
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `${options.method} ${options.baseUrl}: ${result.non2xx} non-2xx responses, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
  };
}
