import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import {
  appendEvent,
  createLogger,
  EVENT_MIGRATIONS,
  EventBus,
  eventWorkers,
  migrateSchema,
  newEvent,
  openPostgresDatabase,
  parseConfig,
  type Database,
  type EventConsumer,
} from '@peerbridge/shared';

/**
 * Event delivery, commit → consumer, against raw pg-boss send → work on the same database, in the
 * same run. Ours: a transaction appends an event to the outbox and commits; the relay publishes
 * it to the queue of the one subscribed consumer, whose worker handles it in a transaction that
 * records it as handled. Baseline: `send` one job, `work` it with the same batch settings and an
 * empty handler. Throughput: producers at full speed for a few seconds, measured until the last
 * event reached its consumer. Latency: an event every 10 ms (100/s), from commit to consumer.
 */
export interface DeliveryFigures {
  readonly eventsPerSecond: number;
  readonly count: number;
}
export interface LatencyFigures {
  readonly p50: number;
  readonly p99: number;
  readonly count: number;
}
export interface EventBenchRun {
  readonly ours: { readonly throughput: DeliveryFigures; readonly latency: LatencyFigures };
  readonly baseline: { readonly throughput: DeliveryFigures; readonly latency: LatencyFigures };
}

const SCHEMA = 'bench_events';
const EVENT_TYPE = 'bench.happened';
const PRODUCERS = 8;

interface Pipeline {
  /** Commits one event (or sends one job); resolves with its id once committed. */
  produce(): Promise<string>;
  /** Called with each id as it reaches the consumer. */
  onReceived: (id: string) => void;
  close(): Promise<void>;
}

export async function measureEventDelivery(
  databaseUrl: string,
  poolSize: number,
  timing: { throughputSeconds: number; latencySeconds: number; ratePerSecond: number },
): Promise<EventBenchRun> {
  const config = parseConfig(
    { SMART_ISSUERS: 'https://bench.test', EVENT_RELAY_INTERVAL_MS: '20' },
    { port: 0 },
  );
  const logger = createLogger({ level: 'error', service: 'bench', silent: true });
  const db = openPostgresDatabase(databaseUrl, poolSize);
  await migrateSchema(db, SCHEMA, [EVENT_MIGRATIONS]);
  const bus = await EventBus.start({ db, config, logger });
  try {
    const ours = await measurePipeline(await ourPipeline(db, bus, logger), timing);
    const baseline = await measurePipeline(await rawPgBoss(bus), timing);
    return { ours, baseline };
  } finally {
    await bus.stop(5000);
    await db.close();
  }
}

async function ourPipeline(
  db: Database,
  bus: EventBus,
  logger: ReturnType<typeof createLogger>,
): Promise<Pipeline> {
  const pipeline: Pipeline = {
    produce: async () => {
      const event = newEvent({
        type: EVENT_TYPE,
        aggregate: { type: 'bench', id: 'b' },
        resources: [{ resourceType: 'Basic', id: 'b', meta: { versionId: '1' } } as never],
      });
      await db.transaction((tx) => appendEvent(tx, SCHEMA, event));
      return event.id;
    },
    onReceived: () => undefined,
    close: async () => workers.stop(),
  };
  const consumer: EventConsumer = {
    name: 'bench-consumer',
    eventTypes: [EVENT_TYPE],
    handle: async (_tx, event) => pipeline.onReceived(event.id),
  };
  const workers = eventWorkers({ service: 'bench', schema: SCHEMA, db, bus, logger, consumers: [consumer] });
  await workers.start();
  return pipeline;
}

async function rawPgBoss(bus: EventBus): Promise<Pipeline> {
  const queue = 'bench.raw';
  await bus.boss.createQueue(queue, { notify: true });
  const pipeline: Pipeline = {
    produce: async () => (await bus.boss.send(queue, { type: EVENT_TYPE }))!,
    onReceived: () => undefined,
    close: () => bus.boss.offWork(queue, { wait: true }),
  };
  // The same worker settings as an event consumer's (service-workers.ts), with an empty handler.
  await bus.boss.work(
    queue,
    { batchSize: 20, pollingIntervalSeconds: 0.5, notifyPollingIntervalSeconds: 1, burstWhenBatchFull: true },
    async (jobs) => {
      for (const job of jobs) {
        pipeline.onReceived(job.id);
      }
    },
  );
  return pipeline;
}

async function measurePipeline(
  pipeline: Pipeline,
  timing: { throughputSeconds: number; latencySeconds: number; ratePerSecond: number },
): Promise<{ throughput: DeliveryFigures; latency: LatencyFigures }> {
  try {
    return {
      throughput: await throughput(pipeline, timing.throughputSeconds),
      latency: await latency(pipeline, timing),
    };
  } finally {
    await pipeline.close();
  }
}

async function throughput(pipeline: Pipeline, seconds: number): Promise<DeliveryFigures> {
  const produced = new Set<string>();
  let received = 0;
  let lastReceivedAt = 0;
  pipeline.onReceived = () => {
    received++;
    lastReceivedAt = performance.now();
  };
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: PRODUCERS }, async () => {
      while (performance.now() < end) {
        produced.add(await pipeline.produce());
      }
    }),
  );
  await until(() => received >= produced.size, 60_000);
  return { eventsPerSecond: (received / (lastReceivedAt - start)) * 1000, count: received };
}

async function latency(
  pipeline: Pipeline,
  timing: { latencySeconds: number; ratePerSecond: number },
): Promise<LatencyFigures> {
  const committedAt = new Map<string, number>();
  const receivedAt = new Map<string, number>();
  pipeline.onReceived = (id) => {
    receivedAt.set(id, performance.now());
  };
  const total = Math.round(timing.latencySeconds * timing.ratePerSecond);
  const interval = 1000 / timing.ratePerSecond;
  const start = performance.now();
  const sends: Promise<void>[] = [];
  // Open loop: each event at its own time, whether or not the ones before it have arrived.
  for (let n = 0; n < total; n++) {
    const wait = start + n * interval - performance.now();
    if (wait > 0) {
      await delay(wait);
    }
    sends.push(
      pipeline.produce().then((id) => {
        committedAt.set(id, performance.now());
      }),
    );
  }
  await Promise.all(sends);
  await until(() => [...committedAt.keys()].every((id) => receivedAt.has(id)), 60_000);
  const latencies = [...committedAt].map(([id, at]) => receivedAt.get(id)! - at).sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { p50: at(0.5), p99: at(0.99), count: latencies.length };
}

async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) {
      throw new Error('Events still undelivered at the bench deadline');
    }
    await delay(10);
  }
}
