import type { Resource } from '@medplum/fhirtypes';
import type { DomainEvent } from '../../events/domain-event.js';
import { outboxInsert, outboxValues } from '../../events/outbox.js';
import type { IndexRows } from '../search/index-rows.js';
import { INDEX_TABLES, VERSION_COLUMNS } from './write-statement.js';

/** A new resource, stamped with its id (`id`) and first version, and its search index rows. */
export interface NewVersion {
  readonly resource: Resource;
  readonly id: string;
  readonly rows: IndexRows;
}

export interface CreateAllStatement {
  /** The prepared statement's name: the same name always carries the same SQL. */
  readonly name: string;
  readonly sql: string;
  readonly values: unknown[];
}

/**
 * The single statement that creates several resources written together (a QuestionnaireResponse
 * and the Observations of its score), their index rows, and optionally the outbox event that
 * describes them and carries them. One statement is atomic, so all of them are stored or none
 * is, without an explicit transaction and in one round trip. The resources go in as one JSON
 * array, which the event's `resources` reuses, and the index rows as arrays (unnest), so the SQL
 * depends only on which index tables get rows, not on how many resources there are, and is
 * prepared once per shape.
 */
export function createAllStatement(
  schema: string,
  versions: readonly NewVersion[],
  lastUpdated: string,
  carriedBy?: DomainEvent,
): CreateAllStatement {
  const values: unknown[] = [JSON.stringify(versions.map(({ resource }) => resource)), lastUpdated];
  const parts = [
    `INSERT INTO ${schema}.resource (${VERSION_COLUMNS})
     SELECT r->>'resourceType', r->>'id', 1, $2::timestamptz, false, r FROM jsonb_array_elements($1::jsonb) AS r`,
  ];
  const tags: string[] = [];
  for (const table of INDEX_TABLES) {
    const perVersion = versions.map(({ resource, id, rows }) => ({
      type: resource.resourceType,
      id,
      columns: table.values(rows),
    }));
    const count = (columns: unknown[][]) => columns[0]!.length;
    if (perVersion.every(({ columns }) => count(columns) === 0)) {
      continue;
    }
    tags.push(table.tag);
    const first = values.length + 1;
    values.push(
      perVersion.flatMap(({ type, columns }) => Array<string>(count(columns)).fill(type)),
      perVersion.flatMap(({ id, columns }) => Array<string>(count(columns)).fill(id)),
      ...table.columns.map((_, n) => perVersion.flatMap(({ columns }) => columns[n]!)),
    );
    const arrays = [
      `$${first}::text[]`,
      `$${first + 1}::text[]`,
      ...table.columns.map(([, type], n) => `$${first + 2 + n}::${type}`),
    ];
    const names = table.columns.map(([column]) => column).join(', ');
    parts.push(
      `INSERT INTO ${schema}.${table.table} (resource_type, id, ${names}) SELECT * FROM unnest(${arrays.join(', ')})`,
    );
  }
  if (carriedBy) {
    tags.push('evt');
    const first = values.length + 1;
    const params = ['', '', '', '', '::jsonb', ''].map((cast, n) => `$${first + n}${cast}`);
    parts.push(outboxInsert(schema, [...params, '$1::jsonb']));
    values.push(...outboxValues(carriedBy));
  }
  const last = parts.pop()!;
  const ctes = parts.map((part, n) => `w${n} AS (${part})`);
  return {
    name: `${schema}.create-all-${tags.join('-')}`,
    sql: ctes.length > 0 ? `WITH ${ctes.join(',\n')}\n${last}` : last,
    values,
  };
}
