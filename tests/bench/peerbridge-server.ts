import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ALL_SERVICES } from '@peerbridge/gateway';
import { createLogger, hostServices, parseConfig } from '@peerbridge/shared';

export interface BenchServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The real system as `npm start` builds it (every service, migrations, helmet, access log,
 * validation), on PostgreSQL, listening on an ephemeral port. Access lines are written as in
 * production; the bench discards them.
 */
export async function startPeerBridge(databaseUrl: string, poolSize: number): Promise<BenchServer> {
  const config = parseConfig(
    { DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: String(poolSize), NODE_ENV: 'production' },
    { port: 0 },
  );
  const logger = createLogger({ level: config.logLevel, service: 'peerbridge' });
  const { app, db } = await hostServices(config, logger, ALL_SERVICES);
  const server = await listen((port) => app.listen(port));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      await new Promise((done) => server.close(done));
      await db.close();
    },
  };
}

export function listen(start: (port: number) => Server): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = start(0);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}
