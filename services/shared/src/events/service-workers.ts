import type { Job } from 'pg-boss';
import type { Repositories } from '../access/repositories.js';
import type { Database } from '../db/database.js';
import { assertIdentifier } from '../db/migrate.js';
import type { Logger } from '../logging/logger.js';
import { eventLogFields, type DomainEvent } from './domain-event.js';
import type { EventBus } from './event-bus.js';
import { consumerQueue, deadLetterQueue, handleOnce, type EventConsumer } from './event-consumer.js';
import { OutboxRelay } from './outbox-relay.js';
import { programCoordinators } from './program-coordinators.js';
import type { ScheduledJob } from '../rest/idempotency-key-purge.js';

/** Background work a service runs beside its HTTP routes; the host starts and stops it. */
export interface Workers {
  start(): Promise<void>;
  /** Stops claiming new work and lets running work finish. */
  stop(): Promise<void>;
}

const CONSUMER_NAME = /^[a-z][a-z0-9-]*$/;
/** Jobs a consumer's worker claims at once. */
const BATCH_SIZE = 20;

/**
 * A service's event workers: the relay of its own outbox, and a worker per consumer (the service's
 * own and the kit's program-coordinators), each on its
 * own queue subscribed to the consumer's event types, with retries (exponential backoff with
 * jitter) and a dead-letter queue after `maxAttempts`.
 */
export function eventWorkers(options: {
  service: string;
  schema: string;
  db: Database;
  bus: EventBus;
  logger: Logger;
  consumers?: readonly EventConsumer[];
  /** The service's FHIR resources: each consumer gets them as its own system principal. */
  repositories?: Repositories;
  /** Jobs on a cron schedule (pg-boss keeps the schedule, so one process runs each firing). */
  scheduled?: readonly ScheduledJob[];
}): Workers {
  const { service, db, bus, logger } = options;
  const schema = assertIdentifier(options.schema);
  // Every service keeps its copy of the program's coordinators (access/program-administrators.ts).
  const consumers = [...(options.consumers ?? []), programCoordinators(schema)];
  const relay = new OutboxRelay(db, schema, bus, logger);
  const queues: string[] = [];

  const startConsumer = async (consumer: EventConsumer) => {
    if (!CONSUMER_NAME.test(consumer.name)) {
      throw new Error(`A consumer's name is lower-case letters, digits and dashes: ${consumer.name}`);
    }
    const queue = consumerQueue(service, consumer.name);
    const repository = options.repositories?.forSystem(queue);
    const deadLetter = deadLetterQueue(queue);
    const { maxAttempts, retryDelaySeconds, retryDelayMaxSeconds, heartbeatSeconds } = bus.config;
    await ensureQueue(bus, deadLetter, { retentionSeconds: 30 * 24 * 3600 });
    await ensureQueue(bus, queue, {
      deadLetter,
      retryLimit: maxAttempts - 1,
      retryDelay: retryDelaySeconds,
      retryBackoff: true,
      retryDelayMax: retryDelayMaxSeconds,
      heartbeatSeconds,
      notify: true,
    });
    for (const type of consumer.eventTypes) {
      await bus.boss.subscribe(type, queue);
    }
    await bus.boss.work<DomainEvent>(
      queue,
      {
        batchSize: BATCH_SIZE,
        perJobResults: true,
        // A new job wakes the worker (NOTIFY); polling finds retries whose backoff has passed.
        pollingIntervalSeconds: 0.5,
        notifyPollingIntervalSeconds: 1,
        burstWhenBatchFull: true,
      },
      // Each job in a transaction of its own, side by side within the process's bound.
      async (jobs) => Promise.all(jobs.map((job) => bus.deliveries(() => deliver(job)))),
    );
    queues.push(queue);

    async function deliver(job: Job<DomainEvent>) {
      const event = job.data;
      const attempt = job.retryCount + 1;
      try {
        await db.transaction((tx) => handleOnce(tx, schema, consumer, event, attempt, repository));
        return { id: job.id, status: 'completed' as const };
      } catch (error) {
        logger.warn('event consumer failed', {
          consumer: queue,
          ...eventLogFields(event),
          attempt,
          of: maxAttempts,
          error: error instanceof Error ? error.name : 'unknown',
        });
        return { id: job.id, status: 'failed' as const, output: { error: 'consumer failed' } };
      }
    }
  };

  const startScheduled = async (job: ScheduledJob) => {
    await ensureQueue(bus, job.name, { retryLimit: 0 });
    await bus.boss.schedule(job.name, job.cron, null, { tz: 'UTC' });
    await bus.boss.work(job.name, async () => {
      await job.run();
    });
    queues.push(job.name);
  };

  return {
    async start() {
      for (const consumer of consumers) {
        await startConsumer(consumer);
      }
      for (const job of options.scheduled ?? []) {
        await startScheduled(job);
      }
      relay.start();
    },
    async stop() {
      // Both at once: on PGlite's single connection the relay's last query may wait for a running
      // consumer's transaction, and the consumers must be told to stop claiming meanwhile.
      await Promise.all([relay.stop(), ...queues.map((queue) => bus.boss.offWork(queue, { wait: true }))]);
    },
  };
}

/** Creates the queue, or brings an existing one's options up to date (config may change). */
async function ensureQueue(
  bus: EventBus,
  name: string,
  options: Parameters<EventBus['boss']['createQueue']>[1] & object,
): Promise<void> {
  if (await bus.boss.getQueue(name)) {
    const { deadLetter: _deadLetter, heartbeatSeconds: _heartbeat, ...changeable } = options;
    await bus.boss.updateQueue(name, changeable);
  } else {
    await bus.boss.createQueue(name, options);
  }
}
