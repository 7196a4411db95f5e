import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FHIR_STORE_MIGRATIONS, migrateSchema, migrateServices, type Database } from '@peerbridge/shared';
import { referralService } from '@peerbridge/referral';
import { REFERRAL_MIGRATIONS } from '../../services/referral/src/store/migrations.js';
import { openTestDatabase } from '../support/test-database.js';

let db: Database;
let firstReleaseOnly: string;

beforeAll(async () => {
  db = await openTestDatabase();
  // A database as the first release left it: the referral tables with their own outbox.
  firstReleaseOnly = await mkdtemp(join(tmpdir(), 'referral-migrations-'));
  await copyFile(
    join(REFERRAL_MIGRATIONS.directory, '001.do.referral-tables.sql'),
    join(firstReleaseOnly, '001.do.referral-tables.sql'),
  );
  await migrateSchema(db, 'referral', [
    FHIR_STORE_MIGRATIONS,
    { name: 'referral', directory: firstReleaseOnly },
  ]);
});
afterAll(async () => {
  await db.close();
  await rm(firstReleaseOnly, { recursive: true, force: true });
});

describe("the referral outbox's move to the shared event outbox", () => {
  it('when a database with events in the old outbox is migrated, then they are in event_outbox, as they were, and the old table is gone', async () => {
    await db.query(`INSERT INTO referral.referral (id, task_id) VALUES ('r-old', 't-old')`);
    await db.query(
      `INSERT INTO referral.outbox_event (event_id, event_type, referral_id, resources, occurred_at, published_at)
       VALUES ('0d6f3f8e-2a55-4a53-9b1e-2b9d7b3a5c11', 'referral.created', 'r-old',
               '[{"reference":"ServiceRequest/r-old","versionId":"1"}]', '2026-11-30T10:00:00Z', NULL)`,
    );

    await migrateServices(db, [referralService]);

    const rows = await db.query(
      `SELECT event_id, event_type, aggregate_type, aggregate_id, changes, resources, published_at
       FROM referral.event_outbox`,
    );
    expect(rows).toEqual([
      {
        event_id: '0d6f3f8e-2a55-4a53-9b1e-2b9d7b3a5c11',
        event_type: 'referral.created',
        aggregate_type: 'referral',
        aggregate_id: 'r-old',
        changes: [{ reference: 'ServiceRequest/r-old', versionId: '1' }],
        resources: null,
        published_at: null,
      },
    ]);
    const [old] = await db.query<{ table: string | null }>(
      `SELECT to_regclass('referral.outbox_event')::text AS table`,
    );
    expect(old).toEqual({ table: null });
  });
});
