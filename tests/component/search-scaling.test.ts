import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Resource } from '@medplum/fhirtypes';
import { referralService, SERVICE_REQUEST } from '@peerbridge/referral';
import {
  createValidator,
  migrateServices,
  parseSearchRequest,
  ResourceStore,
  type Database,
} from '@peerbridge/shared';
import { SCALING_SEARCHES, seededId } from '../bench/scaling-searches.js';
import { planNodes, scannedIndexes, seqScannedTables } from '../bench/search-plan.js';
import { seedServiceRequests, withIndexesRebuilt } from '../bench/seed-service-requests.js';
import { openTestDatabase } from '../support/test-database.js';
import { TEST_BASE_URL } from '../support/test-app.js';

const ROWS = 100_000;
const SCHEMA = referralService.schema;
const INDEX_TABLES = ['search_token', 'search_reference', 'search_date', 'search_string'];

let db: Database;
let store: ResourceStore;

beforeAll(async () => {
  db = await openTestDatabase();
  await migrateServices(db, [referralService]);
  await withIndexesRebuilt(db, SCHEMA, (tx) => seedServiceRequests(tx, SCHEMA, 1, ROWS));
  await db.exec(`ANALYZE ${['resource', ...INDEX_TABLES].map((t) => `${SCHEMA}.${t}`).join(', ')}`);
  store = new ResourceStore(db, SCHEMA, new Map([[SERVICE_REQUEST.type, SERVICE_REQUEST]]), TEST_BASE_URL);
  // Seeding 100,000 rows takes ~25 s of CPU on PGlite; a busy machine can stretch that a lot.
}, 300_000);
afterAll(() => db.close());

async function indexRowsOf(id: string): Promise<Record<string, unknown[]>> {
  const rows: Record<string, unknown[]> = {};
  for (const table of INDEX_TABLES) {
    rows[table] = await db.query(
      `SELECT to_jsonb(t) - 'id' AS row FROM ${SCHEMA}.${table} t WHERE resource_type = 'ServiceRequest' AND id = $1
       ORDER BY (to_jsonb(t) - 'id')::text`,
      [id],
    );
  }
  return rows;
}

const withoutIdAndMeta = ({ id: _id, meta: _meta, ...rest }: Resource) => rest;

describe('the seeded ServiceRequests', () => {
  it.each([1, 7, 42426, ROWS])(
    'when row %i is created again through the store, then the store writes the same content and index rows',
    async (i) => {
      const seeded = await store.read('ServiceRequest', seededId(i));
      const created = await store.create(withoutIdAndMeta(seeded) as Resource);
      try {
        expect(withoutIdAndMeta(created)).toEqual(withoutIdAndMeta(seeded));
        expect(await indexRowsOf(created.id!)).toEqual(await indexRowsOf(seeded.id!));
        expect(seeded.meta).toEqual({ versionId: '1', lastUpdated: expect.stringMatching(/\.\d{3}Z$/) });
      } finally {
        // Deleted resources leave the index, so the searches below see the seeded rows only.
        await store.delete('ServiceRequest', created.id!);
      }
    },
  );

  it('when a seeded row is validated, then it is a valid PeerBridge ServiceRequest', async () => {
    const seeded = await store.read('ServiceRequest', seededId(42426));
    expect(() => createValidator().validate(seeded, SERVICE_REQUEST.profile)).not.toThrow();
  });
});

describe(`searches over ${ROWS.toLocaleString('en')} ServiceRequests`, () => {
  it.each(SCALING_SEARCHES.map((search) => [search.name, search] as const))(
    'when searching by %s, then the plan reads the search indexes and scans no table',
    async (_name, search) => {
      const request = parseSearchRequest(SERVICE_REQUEST, search.query, { strict: true });
      const result = await store.search(request);
      expect(result.matches).toHaveLength(search.matches);
      expect(result.total).toBe(search.matches);

      const plans = await store.explainSearch(request);
      for (const plan of [plans.page, plans.total]) {
        const nodes = planNodes(plan);
        expect(seqScannedTables(nodes)).toEqual([]);
        const indexes = scannedIndexes(nodes);
        for (const table of search.indexedTables) {
          expect(indexes.some((index) => index.startsWith(`${table}_`))).toBe(true);
        }
      }
    },
  );
});
