import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Express } from 'express';
import { developmentSandbox } from '@peerbridge/sandbox';
import {
  configureHost,
  createApp,
  createLogger,
  createValidator,
  EventBus,
  migrateServices,
  seedServices,
  serviceWorkers,
  parseConfig,
  type Config,
  type Database,
  type Logger,
  type ServiceModule,
} from '@peerbridge/shared';
import { openTestDatabase } from './test-database.js';
import { acquireSharedTestIssuer, releaseSharedTestIssuer } from './test-issuer.js';
import { authHeader, TEST_BASE_URL } from './tokens.js';

export { TEST_BASE_URL };

export interface TestApp {
  readonly app: Express;
  readonly db: Database;
  readonly config: Config;
  /** The job queue, when the app was started with events (its workers are running). */
  readonly bus?: EventBus;
  /** `Bearer …` with `system/*.*`, valid for an hour: what fhirClient sends unless told otherwise. */
  readonly authorization: string;
  close(): Promise<void>;
}

/**
 * The real app factory on a migrated database of the test file's own. It trusts the test
 * issuer (tests/support/test-issuer.ts), so requests need real tokens: see tests/support/tokens.ts.
 * Like the development host it runs the development sandbox beside the services, which is off
 * unless `env` turns it on (SANDBOX=1).
 */
export async function startTestApp(
  services: readonly ServiceModule[],
  env: Record<string, string> = {},
  options: {
    logger?: Logger;
    db?: Database;
    /** Also start the job queue, the services' workers and the events admin API. */
    withEvents?: boolean;
  } = {},
): Promise<TestApp> {
  const issuer = await acquireSharedTestIssuer();
  const extensions = [developmentSandbox];
  const parsed = parseConfig(
    {
      PUBLIC_BASE_URL: TEST_BASE_URL,
      LOG_LEVEL: 'error',
      SMART_ISSUERS: issuer.url,
      SMART_INTROSPECTION_CLIENTS: JSON.stringify({ [issuer.url]: issuer.introspectionClient }),
      ...env,
    },
    { port: 0 },
  );
  const config = configureHost(parsed, extensions);
  const db = options.db ?? (await openTestDatabase());
  await migrateServices(db, services);
  const logger = options.logger ?? createLogger({ level: config.logLevel, service: 'test', silent: true });
  const validator = createValidator();
  await seedServices(services, { config, db, logger, validator });
  const bus = options.withEvents ? await EventBus.start({ db, config, logger }) : undefined;
  const workers = bus ? serviceWorkers(services, { config, db, logger, validator, bus }) : undefined;
  await workers?.start();
  const app = createApp({ config, db, logger, validator, services, extensions, eventBus: bus });
  return {
    app,
    db,
    config,
    ...(bus ? { bus } : {}),
    authorization: await authHeader('system/*.*', { expiresIn: 3600 }),
    close: async () => {
      await workers?.stop();
      await bus?.stop(5000);
      await db.close();
      await releaseSharedTestIssuer();
    },
  };
}

export interface ListeningTestApp extends TestApp {
  /** `http://127.0.0.1:<port>`, also the app's PUBLIC_BASE_URL. */
  readonly baseUrl: string;
}

/**
 * The test app listening on a loopback port, with PUBLIC_BASE_URL naming where, for clients that
 * talk HTTP: the token command, a browser, or the resource server fetching the sandbox's discovery
 * document and keys like any issuer's.
 */
export async function startListeningTestApp(
  services: readonly ServiceModule[],
  /** Settings; a function of the app's address for those that must name it (an EHR_CONNECTIONS entry). */
  env: Record<string, string> | ((baseUrl: string) => Record<string, string>) = {},
  options: Parameters<typeof startTestApp>[2] = {},
): Promise<ListeningTestApp> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const settings = typeof env === 'function' ? env(baseUrl) : env;
  const t = await startTestApp(services, { ...settings, PUBLIC_BASE_URL: baseUrl }, options);
  server.on('request', t.app);
  return {
    ...t,
    baseUrl,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.close();
    },
  };
}

/**
 * A supertest agent on the test app; headers set here go with every request it makes. It sends a
 * `system/*.*` token unless `headers` carry another Authorization (see tests/support/tokens.ts).
 */
export function fhirClient(t: TestApp, headers: Record<string, string> = {}) {
  return request.agent(t.app).set({ Authorization: t.authorization, ...headers });
}
