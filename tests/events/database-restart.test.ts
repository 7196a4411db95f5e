import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger, hostServices, parseConfig, type EventConsumer, type Host } from '@peerbridge/shared';
import request from 'supertest';
import { createPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.js';
import { waitFor } from '../support/wait-for.js';
import { commitEvents } from './support/ledger-events.js';
import { effectCounts, LEDGER_EVENT, ledgerService, recordEffect } from './support/ledger-service.js';

/**
 * The database goes away and comes back while the workers run, in the same process. This test
 * always runs on a PostgreSQL cluster of its own (PGlite is embedded: it cannot restart under a
 * running process), whatever DATABASE_URL says.
 */
let cluster: PrivatePostgres;
let host: Host;

/** While closed, the consumer waits before its effect: events are in flight when the database stops. */
let gate: { promise: Promise<void>; open: () => void } | undefined;
let entered = 0;
const gated: EventConsumer = {
  name: 'recorder',
  eventTypes: [LEDGER_EVENT],
  async handle(tx, event) {
    entered++;
    await gate?.promise;
    await recordEffect(tx, 'recorder', event);
  },
};

function closeGate(): void {
  let open = () => undefined as void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  gate = { promise, open };
}

beforeAll(async () => {
  cluster = await createPrivatePostgres();
  const config = parseConfig(
    {
      DATABASE_URL: cluster.url,
      DATABASE_POOL_SIZE: '4',
      SMART_ISSUERS: 'https://issuer.test',
      EVENT_HEARTBEAT_SECONDS: '10',
      EVENT_RETRY_DELAY_SECONDS: '1',
      EVENT_MAX_ATTEMPTS: '20',
    },
    { port: 0 },
  );
  const logger = createLogger({ level: 'error', service: 'test', silent: true });
  host = await hostServices(config, logger, [ledgerService([gated])]);
  await host.workers.start();
}, 120_000);

afterAll(async () => {
  gate?.open();
  await host?.workers.stop();
  await host?.bus.stop(5000);
  await host?.db.close();
  await cluster?.destroy();
});

async function readiness(): Promise<number> {
  return (await request(host.app).get('/readyz')).status;
}

describe('the database restarts while workers run', () => {
  it('when PostgreSQL stops and starts again, then /readyz is 503 meanwhile, the workers recover by themselves and no event is lost', async () => {
    const before = await commitEvents(host.db, 5);
    await waitFor(
      'delivery before the outage',
      async () => (await effectCounts(host.db, 'recorder')).size === 5,
    );
    expect(await readiness()).toBe(200);

    closeGate();
    const inFlight = await commitEvents(host.db, 5);
    await waitFor('events in the consumer when the database stops', async () => entered >= 6);
    await cluster.stop();

    await waitFor('/readyz to report the outage', async () => (await readiness()) === 503);
    await expect(commitEvents(host.db, 1)).rejects.toThrow();

    await cluster.start();
    gate!.open();
    await waitFor('/readyz to recover', async () => (await readiness()) === 200, { timeoutMs: 30_000 });
    const after = await commitEvents(host.db, 5);

    const all = [...before, ...inFlight, ...after].map((event) => event.id).sort();
    const counts = await waitFor(
      'every event handled after the restart',
      async () => {
        const found = await effectCounts(host.db, 'recorder');
        return all.every((id) => found.has(id)) && found;
      },
      { timeoutMs: 90_000 },
    );
    expect([...counts.keys()].sort()).toEqual(all);
    expect([...counts.values()].filter((runs) => runs !== 1)).toEqual([]);
  }, 180_000);
});
