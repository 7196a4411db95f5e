import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Practitioner } from '@medplum/fhirtypes';
import { openTestDatabase } from '../../../../../tests/support/test-database.js';
import type { Database } from '../../db/database.js';
import { migrateSchema } from '../../db/migrate.js';
import { ALL_INTERACTIONS, defineResource } from '../resource-definition.js';
import { parseSearchRequest } from '../search/search-request.js';
import { FHIR_STORE_MIGRATIONS } from './fhir-store-migrations.js';
import { ResourceStore } from './resource-store.js';

const PRACTITIONER = defineResource({
  type: 'Practitioner',
  interactions: ALL_INTERACTIONS,
  searchParameters: ['name', 'family', 'identifier'],
});

let db: Database;
let store: ResourceStore;

beforeAll(async () => {
  db = await openTestDatabase();
  await migrateSchema(db, 'store_test', [FHIR_STORE_MIGRATIONS]);
  store = new ResourceStore(db, 'store_test', new Map([['Practitioner', PRACTITIONER]]), 'http://pb.test');
  for (const [family, given] of [
    ['Muñoz', 'Ana'],
    ['Munro', 'Ben'],
    ['Smith', 'Carla'],
  ] as const) {
    await store.create<Practitioner>({ resourceType: 'Practitioner', name: [{ family, given: [given] }] });
  }
});
afterAll(() => db.close());

async function families(query: [string, string][]): Promise<string[]> {
  const result = await store.search(parseSearchRequest(PRACTITIONER, query, { strict: true }));
  return result.matches.map((r) => (r as Practitioner).name![0]!.family!).sort();
}

describe('string search', () => {
  it('when a prefix is searched, then matching ignores case and accents', async () => {
    expect(await families([['family', 'MUN']])).toEqual(['Munro', 'Muñoz']);
    expect(await families([['family', 'munoz']])).toEqual(['Muñoz']);
  });

  it('when :exact is used, then only the value as written matches', async () => {
    expect(await families([['family:exact', 'Muñoz']])).toEqual(['Muñoz']);
    expect(await families([['family:exact', 'munoz']])).toEqual([]);
    expect(await families([['family:exact', 'Mun']])).toEqual([]);
  });

  it('when :contains is used, then a match anywhere in the value counts', async () => {
    expect(await families([['family:contains', 'mit']])).toEqual(['Smith']);
  });

  it('when name is searched, then given names match too', async () => {
    expect(await families([['name', 'carl']])).toEqual(['Smith']);
  });

  it('when the value holds LIKE wildcards, then they are matched literally', async () => {
    expect(await families([['family', '%']])).toEqual([]);
    expect(await families([['family', '_unro']])).toEqual([]);
  });
});

describe('versions and index rows', () => {
  it('when a resource is updated, then search sees the new values only', async () => {
    const created = await store.create<Practitioner>({
      resourceType: 'Practitioner',
      name: [{ family: 'Oldname' }],
    });
    await store.update({ ...created, id: created.id!, name: [{ family: 'Newname' }] });
    expect(await families([['family', 'oldname']])).toEqual([]);
    expect(await families([['family', 'newname']])).toEqual(['Newname']);
    const history = await store.history('Practitioner', created.id!, 10, 0);
    expect(history.map((v) => v.versionId)).toEqual([2, 1]);
  });

  it('when migrations run again, then nothing changes and nothing fails', async () => {
    await expect(migrateSchema(db, 'store_test', [FHIR_STORE_MIGRATIONS])).resolves.toBeUndefined();
    expect(await families([['family', 'smith']])).toEqual(['Smith']);
  });

  it('when two updates race with the same If-Match version, then exactly one wins', async () => {
    const created = await store.create<Practitioner>({
      resourceType: 'Practitioner',
      name: [{ family: 'Race' }],
    });
    const attempt = (family: string) => store.update({ ...created, id: created.id!, name: [{ family }] }, 1);
    const results = await Promise.allSettled([attempt('Left'), attempt('Right')]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ status: 412 });
    expect(await store.countVersions('Practitioner', created.id!)).toBe(2);
  });
});
