import request from 'supertest';
import type { Express } from 'express';
import {
  createApp,
  createLogger,
  createValidator,
  migrateServices,
  parseConfig,
  type Config,
  type Database,
  type ServiceModule,
} from '@peerbridge/shared';
import { openTestDatabase } from './test-database.js';

export const TEST_BASE_URL = 'http://peerbridge.test';

export interface TestApp {
  readonly app: Express;
  readonly db: Database;
  readonly config: Config;
  close(): Promise<void>;
}

/** The real app factory on a migrated database of the test file's own. */
export async function startTestApp(
  services: readonly ServiceModule[],
  env: Record<string, string> = {},
): Promise<TestApp> {
  const config = parseConfig({ PUBLIC_BASE_URL: TEST_BASE_URL, LOG_LEVEL: 'error', ...env }, { port: 0 });
  const db = await openTestDatabase();
  await migrateServices(db, services);
  const logger = createLogger({ level: config.logLevel, service: 'test', silent: true });
  const app = createApp({ config, db, logger, validator: createValidator(), services });
  return { app, db, config, close: () => db.close() };
}

/** A supertest agent on the test app; headers set here go with every request it makes. */
export function fhirClient(t: TestApp, headers: Record<string, string> = {}) {
  return request.agent(t.app).set(headers);
}
