import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { encounterService } from '@peerbridge/encounter';
import {
  appendEvent,
  createLogger,
  eventWorkers,
  hostServices,
  newEvent,
  type EventConsumer,
} from '@peerbridge/shared';
import { createBenchDatabase } from './bench-database.js';
import { headers } from './load.js';
import { benchConfig, benchSystemToken, listen } from './peerbridge-server.js';
import { percentile } from './search-scaling.js';

/** The target: commit → `safety.flagged` consumer, p99 under a second at 20 flags/s. */
export const SAFETY_P99_TARGET_MS = 1000;
const RATE_PER_SECOND = 20;
const SECONDS = 15;
const WARM_UP_SECONDS = 2;
const NO_WORK = 'bench.no-work';

interface Latencies {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
}

const write = (line = '') => process.stdout.write(`${line}\n`);

/**
 * `npm run bench -- safety`: the encounter service on PostgreSQL (a database of its own, dropped
 * at the end), SMART on, with a consumer of `safety.flagged` on its outbox. Open loop at a fixed
 * 20/s: `raiseSafetyConcern` over HTTP with a coordinator-level (system) token, and beside it at
 * the same rate and time a bare transaction appending an event of a type with no work (the
 * baseline: what the outbox, relay and queue cost alone). Latency is from the event's
 * `occurredAt`, stamped in the transaction just before it commits, to its consumer's handler,
 * so it slightly overstates commit → consumer. True when the safety p99 is under the target.
 */
export async function runSafetyBench(
  adminUrl: string,
  poolSize: number,
  issuerUrl: string,
): Promise<boolean> {
  const database = await createBenchDatabase(adminUrl, 'safety');
  const logger = createLogger({ level: 'error', service: 'bench', silent: true });
  const { app, db, bus } = await hostServices(benchConfig(database.url, poolSize, issuerUrl), logger, [
    encounterService,
  ]);
  const latencies = new Map<string, number[]>([
    ['safety.flagged', []],
    [NO_WORK, []],
  ]);
  let measuring = false;
  let consumed = 0;
  const consumer: EventConsumer = {
    name: 'bench-safety',
    eventTypes: ['safety.flagged', NO_WORK],
    handle: async (_tx, event) => {
      // What an alerting consumer would look at first: who the alert is for.
      const recipients = event.resources?.flatMap((r) =>
        r.resourceType === 'Communication' ? (r.recipient ?? []) : [],
      );
      if (event.type === 'safety.flagged' && !recipients?.length) {
        throw new Error('A safety alert without recipients');
      }
      consumed++;
      if (measuring) {
        latencies.get(event.type)!.push(Date.now() - Date.parse(event.occurredAt));
      }
    },
  };
  const workers = eventWorkers({
    service: 'encounter',
    schema: 'encounter',
    db,
    bus,
    logger,
    consumers: [consumer],
  });
  await workers.start();
  const server = await listen((port) => app.listen(port));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const token = await benchSystemToken();
    const raise = async () => {
      const res = await fetch(`${baseUrl}/api/encounter/safety-flags`, {
        method: 'POST',
        headers: { ...headers(token), 'content-type': 'application/json' },
        body: JSON.stringify({
          patient: `Patient/${randomUUID()}`,
          description: 'Bench concern',
          urgency: 'stat',
        }),
      });
      if (res.status !== 201) {
        throw new Error(`raiseSafetyConcern answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      }
    };
    const noWork = () =>
      db.transaction((tx) =>
        appendEvent(
          tx,
          'encounter',
          newEvent({
            type: NO_WORK,
            aggregate: { type: 'bench', id: 'b' },
            resources: [{ resourceType: 'Basic', id: 'b', meta: { versionId: '1' } } as never],
          }),
        ),
      );
    const warmedUp = await atFixedRate(WARM_UP_SECONDS, [raise, noWork]);
    await until(() => consumed >= 2 * warmedUp, 60_000);
    measuring = true;
    const sent = await atFixedRate(SECONDS, [raise, noWork]);
    await until(() => [...latencies.values()].every((list) => list.length >= sent), 60_000);
    measuring = false;
    return printSafety(summary(latencies.get('safety.flagged')!), summary(latencies.get(NO_WORK)!));
  } finally {
    await new Promise((done) => server.close(done));
    await workers.stop();
    await bus.stop(5000);
    await db.close();
    await database.drop();
  }
}

/** Each producer RATE_PER_SECOND times a second for `seconds`, open loop; returns how many each sent. */
async function atFixedRate(seconds: number, producers: readonly (() => Promise<unknown>)[]): Promise<number> {
  const total = Math.round(seconds * RATE_PER_SECOND);
  const interval = 1000 / RATE_PER_SECOND;
  const start = performance.now();
  const sends: Promise<unknown>[] = [];
  for (let n = 0; n < total; n++) {
    const wait = start + n * interval - performance.now();
    if (wait > 0) {
      await delay(wait);
    }
    sends.push(...producers.map((produce) => produce()));
  }
  await Promise.all(sends);
  return total;
}

async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) {
      throw new Error('Events still unconsumed at the bench deadline');
    }
    await delay(10);
  }
}

function summary(values: readonly number[]): Latencies {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? 0,
    count: sorted.length,
  };
}

function printSafety(safety: Latencies, baseline: Latencies): boolean {
  write(
    `\nSafety escalation: commit → consumer at a fixed ${RATE_PER_SECOND}/s for ${SECONDS} s (open loop)`,
  );
  const line = (label: string, l: Latencies) =>
    write(`  ${label.padEnd(44)} p50 ${l.p50} ms  p99 ${l.p99} ms  max ${l.max} ms  (${l.count} events)`);
  line('safety.flagged (raiseSafetyConcern over HTTP)', safety);
  line(`baseline: ${NO_WORK} (a bare transaction)`, baseline);
  const met = safety.p99 < SAFETY_P99_TARGET_MS;
  write(
    `  safety.flagged p99 ${safety.p99} ms (target < ${SAFETY_P99_TARGET_MS} ms: ${met ? 'met' : 'MISSED'})`,
  );
  return met;
}
