/**
 * The ledger test service as a process of its own, for the kill -9 test: it hosts the service
 * with its workers (as services/shared/src/app/main.ts does), commits PRODUCE events, and reports
 * on standard output, as JSON lines, `produced` once they are committed and `progress` (events
 * handled and events not yet marked published, read from its database) every few hundred milliseconds. SLOW_MS slows its consumer so
 * that a test can kill it with events still undelivered.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { createLogger, hostServices, parseConfig, runServer, type EventConsumer } from '@peerbridge/shared';
import { commitEvents } from './ledger-events.js';
import { LEDGER_EVENT, ledgerService, recordEffect } from './ledger-service.js';

const config = parseConfig(process.env, { port: 0 });
const logger = createLogger({ level: config.logLevel, service: 'ledger' });
const slowMs = Number(process.env.SLOW_MS ?? 0);
const report = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

const recorderConsumer: EventConsumer = {
  name: 'recorder',
  eventTypes: [LEDGER_EVENT],
  async handle(tx, event) {
    await recordEffect(tx, 'recorder', event);
    if (slowMs > 0) {
      await delay(slowMs);
    }
  },
};

const { app, db, bus, workers } = await hostServices(config, logger, [ledgerService([recorderConsumer])]);
await workers.start();
let stopping = false;
await runServer({
  app,
  port: config.port,
  logger,
  shutdownTimeoutMs: config.shutdownTimeoutMs,
  onShutdownStarted: () => {
    stopping = true;
  },
  onClosed: async () => {
    await workers.stop();
    await bus.stop(config.shutdownTimeoutMs);
    await db.close();
  },
});

const produce = Number(process.env.PRODUCE ?? 0);
if (produce > 0) {
  await commitEvents(db, produce);
  report({ message: 'produced', count: produce });
}
while (!stopping) {
  const [row] = await db.query<{ handled: number; unpublished: number }>(
    `SELECT (SELECT count(*)::int FROM ledger.handled_event WHERE consumer = 'recorder') AS handled,
            (SELECT count(*)::int FROM ledger.event_outbox WHERE published_at IS NULL) AS unpublished`,
  );
  report({ message: 'progress', handled: row!.handled, unpublished: row!.unpublished });
  await delay(200);
}
