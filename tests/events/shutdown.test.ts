import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createLogger,
  createValidator,
  EventBus,
  migrateServices,
  parseConfig,
  serviceWorkers,
  type Database,
  type EventConsumer,
  type Workers,
} from '@peerbridge/shared';
import { openTestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';
import { commitEvents } from './support/ledger-events.js';
import { effectCounts, LEDGER_EVENT, ledgerService, recordEffect } from './support/ledger-service.js';

let release: () => void = () => undefined;
const released = new Promise<void>((resolve) => {
  release = resolve;
});
let entered = 0;
/** Holds its first event until the test releases it: a job still running when shutdown starts. */
const slow: EventConsumer = {
  name: 'slow',
  eventTypes: [LEDGER_EVENT],
  async handle(tx, event) {
    entered++;
    await released;
    await recordEffect(tx, 'slow', event);
  },
};

let db: Database;
let bus: EventBus;
let workers: Workers;

beforeAll(async () => {
  const config = parseConfig(
    { SMART_ISSUERS: 'https://issuer.test', EVENT_RELAY_INTERVAL_MS: '20' },
    { port: 0 },
  );
  const logger = createLogger({ level: 'error', service: 'test', silent: true });
  const services = [ledgerService([slow])];
  db = await openTestDatabase();
  await migrateServices(db, services);
  bus = await EventBus.start({ db, config, logger });
  workers = serviceWorkers(services, { config, db, logger, validator: createValidator(), bus });
  await workers.start();
});
afterAll(async () => {
  release();
  await bus.stop(5000);
  await db.close();
});

describe('workers on shutdown', () => {
  it('when workers stop while a job runs, then stop resolves only after the job has finished and committed', async () => {
    const [running] = await commitEvents(db, 1);
    await waitFor('the job to start', async () => entered === 1);

    let stopped = false;
    const stopping = workers.stop().then(() => {
      stopped = true;
    });
    // The worker has been told to stop; stop() still waits for the running job, held by the test.
    await waitFor('the worker to be stopping', async () =>
      bus.boss.getWipData().some((worker) => worker.name === 'ledger.slow' && worker.state === 'stopping'),
    );
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect((await effectCounts(db, 'slow')).get(running!.id)).toBe(1);
  });
});
