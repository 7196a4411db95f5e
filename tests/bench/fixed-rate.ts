import { performance } from 'node:perf_hooks';
import { errors, Pool } from 'undici';

/** One request: where it goes and, for a create, its body. */
export interface OneRequest {
  readonly path: string;
  readonly body?: string;
}

export interface FixedRateSchedule {
  readonly baseUrl: string;
  readonly method: 'POST' | 'GET';
  readonly headers: Readonly<Record<string, string>>;
  readonly requestsPerSecond: number;
  readonly seconds: number;
  readonly next: () => OneRequest;
}

/** What one run at a fixed rate measured, as plain data that can cross to the bench's thread. */
export interface FixedRateRawResult {
  readonly requestsPerSecond: number;
  readonly seconds: number;
  /** Responses read while the schedule ran; over `seconds`, the rate the server kept. */
  readonly answeredOnSchedule: number;
  /**
   * For every request sent, milliseconds from when it was due until its response was read,
   * including the responses to the last requests, read after the schedule ended.
   */
  readonly latenciesMs: readonly number[];
  /** The most a request was handed to the HTTP client after it was due: the generator's own lag. */
  readonly maxSendDelayMs: number;
  readonly non2xx: number;
  readonly errors: number;
  /** Requests that got no response within RESPONSE_TIMEOUT_MS: the server fell far behind. */
  readonly timeouts: number;
}

/**
 * Enough for the rates measured here: at 650 requests/s and a 50 ms response, about 33 are in
 * flight. A request that finds every connection busy waits in the client's queue, and that wait
 * is counted, since its latency runs from when it was due.
 */
const MAX_CONNECTIONS = 64;
const RESPONSE_TIMEOUT_MS = 10_000;

/**
 * Sends requests in an open loop: request n is due at start + n / rate and is sent then, whether
 * the earlier ones have been answered or not, and its latency is measured from when it was due.
 * So a server (or a load generator) that stalls cannot hold back the requests it would have
 * received meanwhile, and their waiting counts in full ("coordinated omission" avoided, as wrk2
 * does). Waits for every response before it returns.
 */
export async function sendAtFixedRate(schedule: FixedRateSchedule): Promise<FixedRateRawResult> {
  const pool = new Pool(schedule.baseUrl, {
    connections: MAX_CONNECTIONS,
    headersTimeout: RESPONSE_TIMEOUT_MS,
    bodyTimeout: RESPONSE_TIMEOUT_MS,
  });
  const total = Math.round(schedule.requestsPerSecond * schedule.seconds);
  const intervalMs = 1000 / schedule.requestsPerSecond;
  const counts = { answeredOnSchedule: 0, non2xx: 0, errors: 0, timeouts: 0 };
  const latenciesMs: number[] = [];
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  const end = start + schedule.seconds * 1000;
  let maxSendDelayMs = 0;

  const send = async (dueAt: number) => {
    const { path, body } = schedule.next();
    try {
      const response = await pool.request({ method: schedule.method, path, headers: schedule.headers, body });
      await response.body.dump();
      if (response.statusCode < 200 || response.statusCode > 299) {
        counts.non2xx++;
      }
    } catch (error) {
      const timedOut =
        error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError;
      counts[timedOut ? 'timeouts' : 'errors']++;
    }
    const answeredAt = performance.now();
    latenciesMs.push(answeredAt - dueAt);
    if (answeredAt <= end) {
      counts.answeredOnSchedule++;
    }
  };

  try {
    await new Promise<void>((scheduled) => {
      let sent = 0;
      // Node's timers fire at best every millisecond, so each tick sends every request that has
      // fallen due since the last one; how late that is counts in their latency.
      const tick = () => {
        const now = performance.now();
        while (sent < total && start + sent * intervalMs <= now) {
          const dueAt = start + sent * intervalMs;
          maxSendDelayMs = Math.max(maxSendDelayMs, now - dueAt);
          inFlight.push(send(dueAt));
          sent++;
        }
        if (sent === total) {
          scheduled();
          return;
        }
        setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
      };
      tick();
    });
    await Promise.all(inFlight);
  } finally {
    await pool.close();
  }
  return {
    requestsPerSecond: schedule.requestsPerSecond,
    seconds: schedule.seconds,
    latenciesMs,
    maxSendDelayMs,
    ...counts,
  };
}
