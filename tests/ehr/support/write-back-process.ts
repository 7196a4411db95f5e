/**
 * PeerBridge as a process of its own, for the write-back kill -9 test: every service with its
 * workers (intake polls and write-back delivery against the EHR its EHR_CONNECTIONS names), and
 * no server. It reports on standard output, as JSON lines every 100 ms, `progress` with how many
 * write-backs are delivered and how many are in line, read from its database.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ALL_SERVICES } from '@peerbridge/gateway';
import { createLogger, hostServices, parseConfig } from '@peerbridge/shared';

const config = parseConfig(process.env, { port: 0 });
const logger = createLogger({ level: config.logLevel, service: 'write-back-process' });
const { db, bus, workers } = await hostServices(config, logger, ALL_SERVICES);
await workers.start();

let stopping = false;
process.once('SIGTERM', () => {
  stopping = true;
});
while (!stopping) {
  const [row] = await db.query<{ delivered: number; total: number }>(
    `SELECT count(*) FILTER (WHERE state = 'delivered')::int AS delivered, count(*)::int AS total
     FROM ehr_integration.write_back`,
  );
  process.stdout.write(`${JSON.stringify({ message: 'progress', ...row })}\n`);
  await delay(100);
}
await workers.stop();
await bus.stop(config.shutdownTimeoutMs);
await db.close();
