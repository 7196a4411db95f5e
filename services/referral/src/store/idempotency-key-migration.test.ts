import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  EVENT_MIGRATIONS,
  FHIR_STORE_MIGRATIONS,
  IDEMPOTENCY_KEY_MIGRATIONS,
  IdempotencyKeys,
  migrateSchema,
  type Database,
} from '@peerbridge/shared';
import { earlierMigrations } from '../../../../tests/support/earlier-migrations.js';
import { openTestDatabase } from '../../../../tests/support/test-database.js';
import { REFERRAL_MIGRATIONS } from './migrations.js';

// Before migration 002 the referral service kept its Idempotency-Keys in its own table,
// idempotency_key. A key saved there must replay the same after 002, from the REST kit's table.

const SCHEMA = 'referral';
const SAVED_AT = '2026-03-01T10:00:00.000Z';
let db: Database;
const firstOnly = earlierMigrations(REFERRAL_MIGRATIONS, ['001.do.referral-tables.sql']);

beforeAll(async () => {
  db = await openTestDatabase();
  await migrateSchema(db, SCHEMA, [FHIR_STORE_MIGRATIONS, firstOnly.set]);
  await db.query(`INSERT INTO referral.referral (id, task_id) VALUES ('sr-1', 'task-1')`);
  await db.query(
    `INSERT INTO referral.idempotency_key (client_id, idempotency_key, request_hash, referral_id, created_at)
     VALUES ('ehr-app', 'key-1', 'hash-1', 'sr-1', $1)`,
    [SAVED_AT],
  );
});
afterAll(async () => {
  firstOnly.remove();
  await db.close();
});

describe('migration 002 (Idempotency-Keys move to the REST kit)', () => {
  it('when a schema with a saved key is migrated, then the key replays its referral from the new table and the old table is gone', async () => {
    await migrateSchema(db, SCHEMA, [
      FHIR_STORE_MIGRATIONS,
      IDEMPOTENCY_KEY_MIGRATIONS,
      EVENT_MIGRATIONS,
      REFERRAL_MIGRATIONS,
    ]);
    const rows = await db.query(
      `SELECT client_id, idempotency_key, request_hash, result, created_at FROM referral.idempotent_request`,
    );
    expect(rows).toEqual([
      {
        client_id: 'ehr-app',
        idempotency_key: 'key-1',
        request_hash: 'hash-1',
        result: 'sr-1',
        created_at: new Date(SAVED_AT),
      },
    ]);
    const keys = new IdempotencyKeys(SCHEMA, { ttlHours: 24, now: () => new Date('2026-03-01T12:00:00Z') });
    const request = { clientId: 'ehr-app', key: 'key-1', requestHash: 'hash-1' };
    expect(await db.transaction((tx) => keys.replayOf(tx, request))).toBe('sr-1');
    const [old] = await db.query<{ name: string | null }>(
      `SELECT to_regclass('referral.idempotency_key') AS name`,
    );
    expect(old!.name).toBeNull();
  });
});
