import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from '@jest/globals';
import { summarizeFixedRate } from './fixed-rate-result.js';
import { sendAtFixedRate } from './fixed-rate.js';

/** A local HTTP server that notes when each request arrives and lets the test decide when to answer. */
async function startServer(answer: (response: ServerResponse) => void) {
  const arrivals: number[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    arrivals.push(performance.now());
    request.resume();
    answer(response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals };
}

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.close();
    await once(server, 'close');
  }
});

const schedule = (baseUrl: string, requestsPerSecond: number, seconds: number) => ({
  baseUrl,
  method: 'GET' as const,
  headers: {},
  requestsPerSecond,
  seconds,
  next: () => ({ path: '/' }),
});

describe('sendAtFixedRate', () => {
  it('when the server answers each request after 20 ms, then no request is sent before it is due and each is answered once', async () => {
    const server = await startServer((response) => setTimeout(() => response.end('ok'), 20));
    const before = performance.now();

    const result = await sendAtFixedRate(schedule(server.baseUrl, 200, 1));

    // Request n is due 5 ms after request n - 1, so the n-th arrival cannot precede before + 5n ms
    // (a load generator that sends each second's requests in a burst breaks this within 10 ms).
    expect(server.arrivals).toHaveLength(200);
    const early = [...server.arrivals].sort((a, b) => a - b).filter((arrival, n) => arrival < before + n * 5);
    expect(early).toEqual([]);
    expect(result.latenciesMs).toHaveLength(200);
    // setTimeout counts on libuv's loop clock, kept in whole milliseconds and read at the start of
    // a loop turn, so a 20 ms timer can fire up to 1 ms short of 20 ms by performance.now().
    expect(Math.min(...result.latenciesMs)).toBeGreaterThanOrEqual(19);
    expect({ non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts }).toEqual({
      non2xx: 0,
      errors: 0,
      timeouts: 0,
    });
  });

  it('when the server answers nothing until 20 requests have arrived, then they still arrive, and each counts its wait', async () => {
    const held: ServerResponse[] = [];
    let arrivedWhileHeld = 0;
    let answering = false;
    // Answers resume at the 20th arrival: a load generator that waits for answers never gets there
    // (the 5 s fallback only keeps such a generator from hanging the test).
    const answerAll = () => {
      answering = true;
      held.splice(0).forEach((response) => response.end('ok'));
    };
    const fallback = setTimeout(answerAll, 5_000);
    const server = await startServer((response) => {
      if (answering) {
        response.end('ok');
        return;
      }
      held.push(response);
      if (++arrivedWhileHeld === 20) {
        answerAll();
      }
    });

    const result = await sendAtFixedRate(schedule(server.baseUrl, 100, 1));
    clearTimeout(fallback);

    expect(arrivedWhileHeld).toBe(20);
    // Request n was due 10n ms after the first and answered after request 19 was due, 190 ms
    // after the first: so requests 0-9 waited at least 100 ms.
    expect(result.latenciesMs.filter((latency) => latency >= 100).length).toBeGreaterThanOrEqual(10);
    expect(result.latenciesMs).toHaveLength(100);
  });

  it('when the load generator itself is held up for 500 ms, then the requests that fell due meanwhile count the hold-up', async () => {
    let heldUp = false;
    const server = await startServer((response) => {
      if (!heldUp) {
        heldUp = true;
        // The server runs on the generator's thread here, so this stands for a pause of that
        // thread (a garbage collection, the machine's other work): nothing can be sent meanwhile.
        const until = performance.now() + 500;
        while (performance.now() < until) {
          // held up
        }
      }
      response.end('ok');
    });

    const result = await sendAtFixedRate(schedule(server.baseUrl, 100, 1));

    // The pause starts when the first request arrives. The 25 requests that fell due in its first
    // 250 ms went out after it, so each waited at least 250 ms from when it was due (20 leaves room
    // for a late start). Measured from when they were sent, they would look as fast as the rest.
    expect(result.maxSendDelayMs).toBeGreaterThanOrEqual(400);
    expect(result.latenciesMs.filter((latency) => latency >= 250).length).toBeGreaterThanOrEqual(20);
    expect(result.latenciesMs).toHaveLength(100);
  });

  it('when the server can answer only 50 requests a second, then a run at 100 a second is reported as not keeping the rate', async () => {
    // One answer at a time, each 20 ms after the one before.
    const queue: ServerResponse[] = [];
    let answering = false;
    const answerNext = () => {
      const next = queue.shift();
      answering = next !== undefined;
      if (next) {
        setTimeout(() => {
          next.end('ok');
          answerNext();
        }, 20);
      }
    };
    const server = await startServer((response) => {
      queue.push(response);
      if (!answering) {
        answerNext();
      }
    });

    const summary = summarizeFixedRate([await sendAtFixedRate(schedule(server.baseUrl, 100, 1))]);

    expect(summary.keptRate).toBe(false);
    expect(summary.achievedPerSecond).toBeLessThan(60);
    expect(summary.requests).toBe(100);
    // 100 answers 20 ms apart take at least 2 s: the last request, due at 0.99 s, waited about 1 s.
    expect(summary.max).toBeGreaterThan(900);
  });
});

describe('summarizeFixedRate', () => {
  const run = (answeredOnSchedule: number, timeouts = 0) => ({
    requestsPerSecond: 100,
    seconds: 2,
    answeredOnSchedule,
    latenciesMs: Array.from({ length: 200 }, (_, n) => n + 1),
    maxSendDelayMs: 1,
    non2xx: 0,
    errors: 0,
    timeouts,
  });

  it('when 95 % of the rate was answered on schedule and nothing timed out, then the rate was kept', () => {
    expect(summarizeFixedRate([run(190)])).toMatchObject({ achievedPerSecond: 95, keptRate: true });
  });

  it('when less than 95 % of the rate was answered on schedule, then the rate was not kept', () => {
    expect(summarizeFixedRate([run(189)])).toMatchObject({ achievedPerSecond: 94.5, keptRate: false });
  });

  it('when a request timed out, then the rate was not kept', () => {
    expect(summarizeFixedRate([run(200, 1)]).keptRate).toBe(false);
  });

  it('when runs are combined, then p50 and p99 are the nearest-rank percentiles over every request of every run', () => {
    // 400 latencies: 1-200 twice. Nearest rank: the 200th and the 396th smallest.
    expect(summarizeFixedRate([run(200), run(200)])).toMatchObject({
      p50: 100,
      p99: 198,
      max: 200,
      requests: 400,
    });
  });
});
