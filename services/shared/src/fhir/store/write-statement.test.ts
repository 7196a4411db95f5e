import { describe, expect, it } from '@jest/globals';
import type { IndexRows } from '../search/index-rows.js';
import { writeStatement } from './write-statement.js';

const NONE: IndexRows = { tokens: [], references: [], dates: [], strings: [] };
const SOME: IndexRows = {
  ...NONE,
  tokens: [{ param: 'status', system: null, code: 'active' }],
  references: [{ param: 'subject', target: 'Patient/1' }],
};

describe('writeStatement', () => {
  it('when a create has token and reference rows only, then it inserts into those tables and nothing else', () => {
    const { name, sql, indexValues } = writeStatement('s', false, SOME);
    expect(name).toBe('s.write-c-tok-ref');
    expect(sql).toContain('INSERT INTO s.resource ');
    expect(sql).toContain('INSERT INTO s.search_token');
    expect(sql).toContain('INSERT INTO s.search_reference');
    expect(sql).not.toMatch(/resource_version|search_date|search_string|DELETE|UPDATE/);
    expect(indexValues).toEqual([['status'], [null], ['active'], ['subject'], ['Patient/1']]);
  });

  it('when an update replaces a version, then the old version moves to resource_version and every old index row goes', () => {
    const { name, sql } = writeStatement('s', true, SOME);
    expect(name).toBe('s.write-r-tok-ref');
    expect(sql).toContain('INSERT INTO s.resource_version');
    for (const table of ['search_token', 'search_reference', 'search_date', 'search_string']) {
      expect(sql).toContain(`DELETE FROM s.${table} WHERE resource_type = $1 AND id = $2`);
    }
    expect(sql).toContain('UPDATE s.resource SET');
  });

  it('when every shape is written in two schemas, then each has a name of its own and its SQL writes exactly its tables', () => {
    // The name is a prepared statement's name and a cache key: two shapes sharing one would run
    // one shape's SQL for the other's rows.
    const one: Record<keyof IndexRows, IndexRows[keyof IndexRows]> = {
      tokens: SOME.tokens,
      references: SOME.references,
      dates: [{ param: 'authored', low: '2026-01-01T00:00:00Z', high: '2026-01-02T00:00:00Z' }],
      strings: [{ param: 'name', value: 'x', normalized: 'x' }],
    };
    const tableOf = {
      tokens: 'search_token',
      references: 'search_reference',
      dates: 'search_date',
      strings: 'search_string',
    };
    const kinds = Object.keys(one) as (keyof IndexRows)[];
    const names = new Set<string>();
    let shapes = 0;
    for (const schema of ['s', 't']) {
      for (const replaces of [false, true]) {
        for (let mask = 0; mask < 16; mask += 1) {
          const present = kinds.filter((_, bit) => mask & (1 << bit));
          const rows = {
            ...NONE,
            ...Object.fromEntries(present.map((kind) => [kind, one[kind]])),
          } as IndexRows;
          const { name, sql } = writeStatement(schema, replaces, rows);
          names.add(name);
          shapes += 1;
          const inserted = kinds.filter((kind) => sql.includes(`INSERT INTO ${schema}.${tableOf[kind]} `));
          expect({ name, inserted }).toEqual({ name, inserted: present });
          expect(sql.includes(`INSERT INTO ${schema}.resource_version`)).toBe(replaces);
        }
      }
    }
    expect(shapes).toBe(64);
    expect(names.size).toBe(64);
  });
});
