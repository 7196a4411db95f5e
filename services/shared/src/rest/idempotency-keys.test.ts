import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { openTestDatabase } from '../../../../tests/support/test-database.js';
import type { Database } from '../db/database.js';
import { migrateSchema } from '../db/migrate.js';
import { createLogger } from '../logging/logger.js';
import { idempotencyKeyPurgeJob } from './idempotency-key-purge.js';
import { IDEMPOTENCY_KEY_MIGRATIONS } from './idempotency-key-migrations.js';
import { IdempotencyKeys } from './idempotency-keys.js';
import type { IdempotentRequest } from './idempotent-request.js';
import { OperationOutcomeError } from '../errors/operation-outcome-error.js';

const SCHEMA = 'keys_test';
const HOUR = 60 * 60 * 1000;
const START = Date.parse('2026-03-01T10:00:00Z');

let db: Database;
let clock = START;
const keys = new IdempotencyKeys(SCHEMA, { ttlHours: 24, now: () => new Date(clock) });

beforeAll(async () => {
  db = await openTestDatabase();
  await migrateSchema(db, SCHEMA, [IDEMPOTENCY_KEY_MIGRATIONS]);
});
afterAll(() => db.close());

function request(overrides: Partial<IdempotentRequest> = {}): IdempotentRequest {
  return { clientId: 'ehr-app', key: randomUUID(), requestHash: 'hash-1', ...overrides };
}

const replayOf = (req: IdempotentRequest) => db.transaction((tx) => keys.replayOf(tx, req));
const save = (req: IdempotentRequest, result: string) => db.transaction((tx) => keys.save(tx, req, result));
const storedKeys = async () =>
  (await db.query<{ key: string }>(`SELECT idempotency_key AS key FROM ${SCHEMA}.idempotent_request`)).map(
    (row) => row.key,
  );

describe('IdempotencyKeys', () => {
  it('when a key was saved, then the same request replays its result until just before the TTL ends', async () => {
    clock = START;
    const req = request();
    expect(await replayOf(req)).toBeUndefined();
    await save(req, 'ServiceRequest-1');
    clock = START + 24 * HOUR - 1000;
    expect(await replayOf(req)).toBe('ServiceRequest-1');
  });

  it('when the TTL has passed, then the key no longer replays and can be used afresh', async () => {
    clock = START;
    const req = request();
    await save(req, 'first');
    clock = START + 24 * HOUR;
    expect(await replayOf(req)).toBeUndefined();
    await save({ ...req, requestHash: 'hash-2' }, 'second');
    expect(await replayOf({ ...req, requestHash: 'hash-2' })).toBe('second');
  });

  it('when a key is reused with another body, then 422 points at Idempotency-Key', async () => {
    clock = START;
    const req = request();
    await save(req, 'first');
    const error = await replayOf({ ...req, requestHash: 'hash-other' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationOutcomeError);
    expect((error as OperationOutcomeError).status).toBe(422);
    expect((error as OperationOutcomeError).outcome.issue[0]!.expression).toEqual(['Idempotency-Key']);
  });

  it('when another client sends the same key, then it is a key of its own', async () => {
    clock = START;
    const req = request();
    await save(req, 'first');
    expect(await replayOf({ ...req, clientId: 'other-app', requestHash: 'hash-other' })).toBeUndefined();
  });

  it('when the purge runs, then exactly the expired keys are deleted and counted', async () => {
    await db.exec(`DELETE FROM ${SCHEMA}.idempotent_request`);
    const old = request();
    const fresh = request();
    clock = START;
    await save(old, 'old');
    clock = START + 2 * HOUR;
    await save(fresh, 'fresh');
    clock = START + 24 * HOUR;
    expect(await keys.purgeExpired(db)).toBe(1);
    expect(await storedKeys()).toEqual([fresh.key]);
    expect(await keys.purgeExpired(db)).toBe(0);
  });

  it('when the scheduled purge job runs, then it purges the expired keys of its schema', async () => {
    await db.exec(`DELETE FROM ${SCHEMA}.idempotent_request`);
    clock = START;
    await save(request(), 'old');
    const job = idempotencyKeyPurgeJob(
      keys,
      db,
      createLogger({ level: 'error', service: 'test', silent: true }),
    );
    expect(job.name).toBe('keys_test.idempotency-key-purge');
    clock = START + 25 * HOUR;
    await job.run();
    expect(await storedKeys()).toEqual([]);
  });
});
