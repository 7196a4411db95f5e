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

  it('when the same shape is written twice, then it gets the same name and the same SQL', () => {
    const first = writeStatement('s', true, NONE);
    const second = writeStatement('s', true, NONE);
    expect(second.name).toBe(first.name);
    expect(second.sql).toBe(first.sql);
    expect(writeStatement('t', true, NONE).name).not.toBe(first.name);
  });
});
