import { createWriteStream } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ALL_SERVICES } from '@peerbridge/gateway';
import { createLogger, hostServices, parseConfig, type Config, type ServiceModule } from '@peerbridge/shared';
import { signToken } from '../support/tokens.js';

export interface BenchServer {
  readonly port: number;
  close(): Promise<void>;
}

/** PUBLIC_BASE_URL of the bench server; bench tokens are issued for `{it}/fhir`. */
export const BENCH_BASE_URL = 'http://peerbridge.bench';
export const BENCH_AUDIENCE = `${BENCH_BASE_URL}/fhir`;

/** The bench's system (`system/*.*`) token, valid far longer than a run takes. */
export function benchSystemToken(): Promise<string> {
  return signToken({
    audience: BENCH_AUDIENCE,
    scope: 'system/*.*',
    clientId: 'peerbridge-bench',
    subject: 'peerbridge-bench',
    expiresIn: 3600,
  });
}

/**
 * The configuration the bench server runs with, as `npm start` would parse it from the
 * environment: production mode, PostgreSQL, and SMART authorization trusting the bench's issuer.
 */
export function benchConfig(databaseUrl: string, poolSize: number, issuerUrl: string): Config {
  return parseConfig(
    {
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: String(poolSize),
      NODE_ENV: 'production',
      PUBLIC_BASE_URL: BENCH_BASE_URL,
      SMART_ISSUERS: issuerUrl,
    },
    { port: 0 },
  );
}

/**
 * The real system as `npm start` builds it (every service, migrations, helmet, access log,
 * SMART authorization, validation), on PostgreSQL, listening on an ephemeral port. Access lines
 * are formatted and written as in production, to /dev/null.
 */
export async function startPeerBridge(
  databaseUrl: string,
  poolSize: number,
  issuerUrl: string,
  services: readonly ServiceModule[] = ALL_SERVICES,
): Promise<BenchServer> {
  const config = benchConfig(databaseUrl, poolSize, issuerUrl);
  // A worker thread's stdout is relayed through the main thread, which runs the load generator;
  // writing the lines to /dev/null instead keeps that relay's cost off the load generator while
  // the server still formats and writes every line, as it would to a real stdout.
  const logger = createLogger({
    level: config.logLevel,
    service: 'peerbridge',
    stream: createWriteStream('/dev/null'),
  });
  // Its workers are not started: the FHIR figures are the request path's alone.
  const { app, db, bus } = await hostServices(config, logger, services);
  const server = await listen((port) => app.listen(port));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      await new Promise((done) => server.close(done));
      await bus.stop(5000);
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
