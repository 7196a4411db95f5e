import type { IndexRows } from '../search/index-rows.js';

/** One search index table: its columns after (resource_type, id), with their array types. */
export interface IndexTable {
  readonly table: string;
  /** Stands for the table in a statement's name. */
  readonly tag: string;
  readonly columns: readonly (readonly [column: string, arrayType: string])[];
  readonly values: (rows: IndexRows) => unknown[][];
}

export const INDEX_TABLES: readonly IndexTable[] = [
  {
    table: 'search_token',
    tag: 'tok',
    columns: [
      ['param', 'text[]'],
      ['system', 'text[]'],
      ['code', 'text[]'],
    ],
    values: ({ tokens }) => [
      tokens.map((t) => t.param),
      tokens.map((t) => t.system),
      tokens.map((t) => t.code),
    ],
  },
  {
    table: 'search_reference',
    tag: 'ref',
    columns: [
      ['param', 'text[]'],
      ['target', 'text[]'],
    ],
    values: ({ references }) => [references.map((r) => r.param), references.map((r) => r.target)],
  },
  {
    table: 'search_date',
    tag: 'dat',
    columns: [
      ['param', 'text[]'],
      ['low', 'timestamptz[]'],
      ['high', 'timestamptz[]'],
    ],
    values: ({ dates }) => [dates.map((d) => d.param), dates.map((d) => d.low), dates.map((d) => d.high)],
  },
  {
    table: 'search_string',
    tag: 'str',
    columns: [
      ['param', 'text[]'],
      ['value', 'text[]'],
      ['normalized', 'text[]'],
    ],
    values: ({ strings }) => [
      strings.map((r) => r.param),
      strings.map((r) => r.value),
      strings.map((r) => r.normalized),
    ],
  },
];

export const VERSION_COLUMNS = 'resource_type, id, version_id, last_updated, deleted, content';

export interface WriteStatement {
  /** The prepared statement's name: the same name always carries the same SQL. */
  readonly name: string;
  readonly sql: string;
  /** Parameters from $7 on; $1–$6 are type, id, version, lastUpdated, deleted and content. */
  readonly indexValues: unknown[];
}

const cache = new Map<string, string>();

/**
 * The single statement that writes a version. Its shape follows the write: a create inserts
 * only, while an update or a delete ("replaces") also moves the current version into
 * resource_version and deletes the old index rows; an index table with no rows for this
 * version is left out. A statement that touches fewer tables and indexes costs PostgreSQL less
 * (it locks and opens each one), and each shape is prepared once per connection under its name.
 */
export function writeStatement(schema: string, replaces: boolean, rows: IndexRows): WriteStatement {
  const tables = INDEX_TABLES.map((table) => ({ table, values: table.values(rows) })).filter(
    ({ values }) => values[0]!.length > 0,
  );
  const name = `${schema}.write-${replaces ? 'r' : 'c'}-${tables.map(({ table }) => table.tag).join('-')}`;
  let sql = cache.get(name);
  if (sql === undefined) {
    sql = buildSql(
      schema,
      replaces,
      tables.map(({ table }) => table),
    );
    cache.set(name, sql);
  }
  return { name, sql, indexValues: tables.flatMap(({ values }) => values) };
}

function buildSql(s: string, replaces: boolean, tables: readonly IndexTable[]): string {
  const parts: string[] = [];
  if (replaces) {
    parts.push(
      `INSERT INTO ${s}.resource_version (${VERSION_COLUMNS})
       SELECT ${VERSION_COLUMNS} FROM ${s}.resource WHERE resource_type = $1 AND id = $2`,
      ...INDEX_TABLES.map(({ table }) => `DELETE FROM ${s}.${table} WHERE resource_type = $1 AND id = $2`),
      `UPDATE ${s}.resource SET version_id = $3, last_updated = $4, deleted = $5, content = $6::jsonb
       WHERE resource_type = $1 AND id = $2`,
    );
  } else {
    parts.push(`INSERT INTO ${s}.resource (${VERSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`);
  }
  let next = 7;
  for (const { table, columns } of tables) {
    const arrays = columns.map(([, type]) => `$${next++}::${type}`).join(', ');
    const names = columns.map(([column]) => column).join(', ');
    parts.push(
      `INSERT INTO ${s}.${table} (resource_type, id, ${names}) SELECT $1, $2, * FROM unnest(${arrays})`,
    );
  }
  const last = parts.pop()!;
  const ctes = parts.map((part, n) => `w${n} AS (${part})`);
  return ctes.length > 0 ? `WITH ${ctes.join(',\n')}\n${last}` : last;
}
