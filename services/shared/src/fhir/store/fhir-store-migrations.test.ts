import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { earlierMigrations } from '../../../../../tests/support/earlier-migrations.js';
import { openTestDatabase } from '../../../../../tests/support/test-database.js';
import type { Database } from '../../db/database.js';
import { migrateSchema } from '../../db/migrate.js';
import { FHIR_STORE_MIGRATIONS } from './fhir-store-migrations.js';

// Before migration 002, every write also copied the version it wrote into resource_version.
// A schema written that way must read the same after 002 as one written since.

const SCHEMA = 'store_upgrade';
let db: Database;
const firstOnly = earlierMigrations(FHIR_STORE_MIGRATIONS, ['001.do.resource-tables.sql']);

beforeAll(async () => {
  db = await openTestDatabase();
  await migrateSchema(db, SCHEMA, [firstOnly.set]);
  // Version 2 is current; the store before 002 kept versions 1 and 2 in resource_version.
  await db.exec(`
    INSERT INTO ${SCHEMA}.resource VALUES ('Practitioner', 'p1', 2, '2026-01-02T00:00:00Z', false, '{"v": 2}');
    INSERT INTO ${SCHEMA}.resource_version VALUES
      ('Practitioner', 'p1', 1, '2026-01-01T00:00:00Z', false, '{"v": 1}'),
      ('Practitioner', 'p1', 2, '2026-01-02T00:00:00Z', false, '{"v": 2}');
  `);
});
afterAll(async () => {
  firstOnly.remove();
  await db.close();
});

describe('migration 002 (resource_version holds earlier versions only)', () => {
  it('when a schema written before it is migrated, then the copies of current versions go and earlier versions stay', async () => {
    await migrateSchema(db, SCHEMA, [FHIR_STORE_MIGRATIONS]);
    const versions = await db.query<{ version_id: number; content: unknown }>(
      `SELECT version_id, content FROM ${SCHEMA}.resource_version ORDER BY version_id`,
    );
    expect(versions).toEqual([{ version_id: 1, content: { v: 1 } }]);
    const [current] = await db.query(`SELECT version_id, content FROM ${SCHEMA}.resource`);
    expect(current).toEqual({ version_id: 2, content: { v: 2 } });
  });
});
