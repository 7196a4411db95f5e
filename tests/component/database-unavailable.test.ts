import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { referralService } from '@peerbridge/referral';
import {
  databaseUnavailable,
  migrateServices,
  openPostgresDatabase,
  type Database,
} from '@peerbridge/shared';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';

// Statement and connection timeouts are PostgreSQL pool settings, so this file always runs on the
// machine's real PostgreSQL, whichever database the rest of the suite uses.
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let scratch: ScratchDatabase;
let real: Database;
/** The database the app sees: the real one, or one on a port nothing listens on (an outage). */
let current: Database;
let t: TestApp;

beforeAll(async () => {
  scratch = await createScratchDatabase(ADMIN_URL, 'peerbridge_unavailable');
  // The schema first, without the short timeouts below: on a loaded machine (CI runs two test
  // files at a time) migrating under them could itself time out.
  const setup = openPostgresDatabase(scratch.url, 1);
  await migrateServices(setup, [referralService]);
  await setup.close();
  // Short enough to keep the test quick, long enough that only a held pool or a long statement
  // reaches them, not a busy machine.
  real = openPostgresDatabase(scratch.url, 1, { statementTimeoutMs: 1000, connectionTimeoutMs: 2000 });
  current = real;
  const switching: Database = {
    kind: 'postgres',
    connection: real.connection,
    query: (sql, params, name) => current.query(sql, params, name),
    exec: (sql) => current.exec(sql),
    transaction: (fn) => current.transaction(fn),
    close: () => real.close(),
  };
  t = await startTestApp([referralService], {}, { db: switching });
});
afterAll(async () => {
  await t.close();
  await scratch.drop();
});

function expectUnavailable(res: request.Response): void {
  expect(res.status).toBe(503);
  expect(res.headers['retry-after']).toBe('5');
  expect(res.body.resourceType).toBe('OperationOutcome');
  expect(res.body.issue[0].code).toBe('transient');
}

describe('when the database cannot serve a request', () => {
  it('when every connection is held, then a request answers 503 with Retry-After and /readyz says not ready, both without hanging', async () => {
    let release!: () => void;
    const held = real.transaction(() => new Promise<void>((resolve) => (release = resolve)));
    try {
      expectUnavailable(await fhirClient(t).get('/fhir/ServiceRequest?_count=1'));
      const ready = await request(t.app).get('/readyz');
      expect(ready.status).toBe(503);
    } finally {
      release();
      await held;
    }
    expect((await request(t.app).get('/readyz')).status).toBe(200);
  });

  it('when the database is unreachable, then requests answer 503 with Retry-After, and recover when it is back', async () => {
    const down = openPostgresDatabase('postgres://postgres@127.0.0.1:1/none', 1);
    current = down;
    try {
      expectUnavailable(await fhirClient(t).get('/fhir/ServiceRequest?_count=1'));
      expect((await request(t.app).get('/readyz')).status).toBe(503);
    } finally {
      current = real;
      await down.close();
    }
    expect((await fhirClient(t).get('/fhir/ServiceRequest?_count=1')).status).toBe(200);
  });

  it('when a statement runs longer than statement_timeout, then PostgreSQL cancels it and it maps to 503 timeout', async () => {
    const error = await real.query('SELECT pg_sleep(5)').catch((caught: unknown) => caught);
    expect((error as { code?: string }).code).toBe('57014');
    const mapped = databaseUnavailable(error)!;
    expect([mapped.status, mapped.headers['Retry-After'], mapped.outcome.issue[0]!.code]).toEqual([
      503,
      '5',
      'timeout',
    ]);
  });
});
