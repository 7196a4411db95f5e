import type { ServiceRequest } from '@medplum/fhirtypes';
import type { Database, Queryable } from '@peerbridge/shared';

/**
 * Bulk-seeds referral ServiceRequests straight into the resource store's tables
 * (services/shared/migrations/fhir-store), one INSERT ... SELECT generate_series per table, so
 * 100,000 rows take seconds instead of 100,000 round trips through the API. The rows are the
 * ones ResourceStore.create writes for the same content: the search-scaling test proves it by
 * creating sample resources through the store and comparing their rows with the seeded ones.
 *
 * Row i (1-based) is shaped so that each selective search in scaling-searches.ts matches the
 * same rows however many rows are seeded; only the table size changes between runs.
 */
export const SEED = {
  /** Patient k has rows 10k..10k+9. */
  patient: (k: number) => `Patient/bench-patient-${k}`,
  placerSystem: 'urn:peerbridge:bench:placer',
  placerValue: (i: number) => `placer-${i}`,
  /** Even rows are counselling, odd rows education. */
  counselling: { system: 'http://snomed.info/sct', code: '409063005', display: 'Counselling' },
  education: { system: 'http://snomed.info/sct', code: '409073007', display: 'Education' },
  peerSupport: {
    system: 'http://snomed.info/sct',
    code: '461481000124109',
    display: 'Referral to peer support',
  },
  /** Ten rows have it, all among the first 1,000 (i % 100 = 7); the rest are active. */
  rareStatus: 'on-hold',
  /** Row i was last updated at lastUpdatedEpoch + i seconds and authored at authoredEpoch + i minutes. */
  lastUpdatedEpoch: '2026-01-01T00:00:00Z',
  authoredEpoch: '2025-01-01T00:00:00Z',
} as const;

/** The seeded content, as FHIR JSON with @NAME@ placeholders that SQL fills in per row. */
const TEMPLATE: ServiceRequest = {
  resourceType: 'ServiceRequest',
  id: '@ID@',
  meta: { versionId: '1', lastUpdated: '@LAST_UPDATED@' },
  identifier: [
    {
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'PLAC' }] },
      system: SEED.placerSystem,
      value: 'placer-@I@',
    },
  ],
  status: '@STATUS@' as ServiceRequest['status'],
  intent: 'order',
  category: [
    {
      coding: [{ system: 'http://snomed.info/sct', code: '@CATEGORY_CODE@', display: '@CATEGORY_DISPLAY@' }],
    },
  ],
  code: { coding: [SEED.peerSupport] },
  subject: { reference: 'Patient/bench-patient-@PATIENT@' },
  requester: { reference: 'Practitioner/bench-clinician-@CLINICIAN@' },
  authoredOn: '@AUTHORED@',
};

/**
 * Seeds rows first..last (inclusive) of the ServiceRequest series into schema's store tables,
 * as ResourceStore.create writes them: the current version in resource (resource_version holds
 * only versions an update replaced) and its search index rows.
 */
export async function seedServiceRequests(
  q: Queryable,
  schema: string,
  first: number,
  last: number,
): Promise<void> {
  const s = schema;
  const rows = `SELECT i,
      md5('service-request-' || i)::uuid::text AS id,
      timestamptz '${SEED.lastUpdatedEpoch}' + i * interval '1 second' AS last_updated,
      timestamptz '${SEED.authoredEpoch}' + i * interval '1 minute' AS authored,
      i % 2 = 0 AS counselling,
      CASE WHEN i <= 1000 AND i % 100 = 7 THEN '${SEED.rareStatus}' ELSE 'active' END AS status,
      'Patient/bench-patient-' || (i / 10) AS patient,
      'Practitioner/bench-clinician-' || (i % 50) AS clinician
    FROM generate_series(${Number(first)}, ${Number(last)}) AS i`;
  const category = (field: 'code' | 'display') =>
    `CASE WHEN counselling THEN '${SEED.counselling[field]}' ELSE '${SEED.education[field]}' END`;
  const fill: [string, string][] = [
    ['@ID@', 'id'],
    ['@LAST_UPDATED@', `to_char(last_updated AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`],
    ['@I@', 'i::text'],
    ['@STATUS@', 'status'],
    ['@CATEGORY_CODE@', category('code')],
    ['@CATEGORY_DISPLAY@', category('display')],
    ['@PATIENT@', '(i / 10)::text'],
    ['@CLINICIAN@', '(i % 50)::text'],
    ['@AUTHORED@', `to_char(authored AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`],
  ];
  // format() fills every placeholder in one call; the template holds no other % sign.
  let template = JSON.stringify(TEMPLATE);
  fill.forEach(([name], n) => {
    template = template.replaceAll(name, `%${n + 1}$s`);
  });
  const content = `format($1::text, ${fill.map(([, value]) => value).join(', ')})`;

  await q.query(
    `INSERT INTO ${s}.resource (resource_type, id, version_id, last_updated, deleted, content)
     SELECT 'ServiceRequest', id, 1, last_updated, false, (${content})::jsonb FROM (${rows}) seed`,
    [template],
  );
  await q.query(
    `INSERT INTO ${s}.search_token (resource_type, id, param, system, code)
     SELECT 'ServiceRequest', id, token.* FROM (${rows}) seed, LATERAL (VALUES
       ('category', 'http://snomed.info/sct', ${category('code')}),
       ('code', '${SEED.peerSupport.system}', '${SEED.peerSupport.code}'),
       ('status', NULL, status),
       ('intent', NULL, 'order'),
       ('identifier', '${SEED.placerSystem}', 'placer-' || i)
     ) AS token(param, system, code)`,
  );
  await q.query(
    `INSERT INTO ${s}.search_reference (resource_type, id, param, target)
     SELECT 'ServiceRequest', id, ref.* FROM (${rows}) seed, LATERAL (VALUES
       ('patient', patient), ('subject', patient), ('requester', clinician)
     ) AS ref(param, target)`,
  );
  // A dateTime to the second covers that second: [t, t + 999 ms].
  await q.query(
    `INSERT INTO ${s}.search_date (resource_type, id, param, low, high)
     SELECT 'ServiceRequest', id, 'authored', authored, authored + interval '999 milliseconds' FROM (${rows}) seed`,
  );
}

/**
 * Runs a bulk load with the schema's secondary indexes dropped, then builds them again from
 * their exact definitions: one sorted index build is many times faster than as many single-row
 * index inserts. Indexes behind constraints (the primary keys) stay, and so do their checks.
 */
export async function withIndexesRebuilt(
  db: Database,
  schema: string,
  load: (tx: Queryable) => Promise<void>,
): Promise<void> {
  await db.transaction(async (q) => {
    const indexes = await q.query<{ name: string; definition: string }>(
      `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`,
      [schema],
    );
    for (const index of indexes) {
      await q.query(`DROP INDEX ${schema}.${index.name}`);
    }
    await load(q);
    for (const index of indexes) {
      await q.query(index.definition);
    }
  });
}
