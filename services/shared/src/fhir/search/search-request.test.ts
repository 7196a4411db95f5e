import { describe, expect, it } from '@jest/globals';
import { OperationOutcomeError } from '../../errors/operation-outcome-error.js';
import { ALL_INTERACTIONS, defineResource } from '../resource-definition.js';
import { parseSearchRequest } from './search-request.js';

const TASK = defineResource({
  type: 'Task',
  interactions: ALL_INTERACTIONS,
  searchParameters: ['patient', 'status', 'authored-on', 'focus'],
  includes: ['focus'],
});

const parse = (query: string, strict = false) =>
  parseSearchRequest(TASK, [...new URLSearchParams(query)], { strict });

/** The 400's text and expression, for a query the parser refuses. */
function refusal(query: string, strict = false): { status: number; text?: string; expression?: string[] } {
  try {
    parse(query, strict);
  } catch (error) {
    if (error instanceof OperationOutcomeError) {
      const issue = error.outcome.issue?.[0];
      return { status: error.status, text: issue?.details?.text, expression: issue?.expression };
    }
    throw error;
  }
  throw new Error(`${query} was accepted`);
}

describe('parseSearchRequest', () => {
  it('when nothing is asked, then the defaults: page of 20 from 0, accurate total, nothing else', () => {
    expect(parse('')).toEqual({
      resourceType: 'Task',
      filters: [],
      count: 20,
      offset: 0,
      sort: [],
      include: [],
      total: 'accurate',
      ignored: [],
    });
  });

  it('when parameters carry modifiers and comma-separated alternatives, then each becomes a filter', () => {
    const { filters } = parse('status:not=completed,failed&patient=Patient/1&_id=a,b&_lastUpdated=gt2026');
    expect(
      filters.map(({ name, modifier, values, target }) => [name, modifier, values, target.kind]),
    ).toEqual([
      ['status', 'not', ['completed', 'failed'], 'parameter'],
      ['patient', undefined, ['Patient/1'], 'parameter'],
      ['_id', undefined, ['a', 'b'], 'id'],
      ['_lastUpdated', undefined, ['gt2026'], 'lastUpdated'],
    ]);
  });

  it('when a value holds an escaped comma or empty alternatives, then the comma stays and the empties go', () => {
    expect(parse('status=a\\,b,,c').filters[0]!.values).toEqual(['a,b', 'c']);
  });

  it('when a known parameter is empty, then it does not filter', () => {
    expect(parse('status=').filters).toEqual([]);
  });

  it('when result parameters are given, then they set the page, order, includes and total', () => {
    const request = parse(
      '_count=5&_offset=10&_sort=-authored-on,status&_include=Task:focus:ServiceRequest&_total=none&_format=json&_pretty=true',
    );
    expect(request).toMatchObject({
      count: 5,
      offset: 10,
      include: ['Task:focus'],
      total: 'none',
      filters: [],
      ignored: [],
    });
    expect(request.sort.map(({ name, descending }) => [name, descending])).toEqual([
      ['authored-on', true],
      ['status', false],
    ]);
  });

  it('when _total is anything but none, then the total is accurate', () => {
    expect(parse('_total=estimate').total).toBe('accurate');
  });

  it.each([
    ['_count=0', 0],
    ['_count=1000', 1000],
  ])('when %s, then it is taken as it is', (query, count) => {
    expect(parse(query).count).toBe(count);
  });

  it.each([
    ['_count=1001', '_count must be an integer between 0 and 1000', '_count'],
    ['_count=-1', '_count must be an integer between 0 and 1000', '_count'],
    ['_count=2.5', '_count must be an integer between 0 and 1000', '_count'],
    ['_count=ten', '_count must be an integer between 0 and 1000', '_count'],
    ['_count=1e2', '_count must be an integer between 0 and 1000', '_count'],
    ['_count=%2010', '_count must be an integer between 0 and 1000', '_count'],
    ['_offset=x', `_offset must be an integer between 0 and ${Number.MAX_SAFE_INTEGER}`, '_offset'],
    ['_sort=shoe-size', 'Cannot sort Task by unknown parameter "shoe-size"', '_sort'],
    ['_sort=-shoe-size', 'Cannot sort Task by unknown parameter "shoe-size"', '_sort'],
    ['status=a%00b', 'A search parameter must not hold a NUL character or an unpaired surrogate', 'status'],
    [
      'sta%00tus=a',
      'A search parameter must not hold a NUL character or an unpaired surrogate',
      'sta\u0000tus',
    ],
  ])('when %s, then 400: %s', (query, text, expression) => {
    expect(refusal(query)).toEqual({ status: 400, text, expression: [expression] });
  });

  it('when an unknown parameter or _include comes, then it is ignored and listed, with its modifier', () => {
    const request = parse('shoe-size:exact=42&_include=Task:owner&status=requested');
    expect(request.ignored).toEqual(['shoe-size:exact', '_include=Task:owner']);
    expect(request.include).toEqual([]);
    expect(request.filters.map((filter) => filter.name)).toEqual(['status']);
  });

  it('when handling is strict, then an unknown parameter or _include is a 400 naming it', () => {
    expect(refusal('shoe-size=42', true)).toEqual({
      status: 400,
      text: 'Unknown search parameter "shoe-size" for Task',
      expression: ['shoe-size'],
    });
    expect(refusal('_include=Task:owner', true)).toEqual({
      status: 400,
      text: 'Unsupported _include "Task:owner"',
      expression: ['_include'],
    });
  });

  it('when a search has 20 parameters, then it is read; at 21, 400 names the 21st', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => `status=s${i}`).join('&');
    expect(parse(twenty).filters).toHaveLength(20);
    expect(refusal(`${twenty}&patient=x`)).toEqual({
      status: 400,
      text: 'A search may have at most 20 parameters; this one has 21',
      expression: ['patient'],
    });
  });

  it('when a parameter has 100 alternatives, then it is read; at 101, 400 names it', () => {
    const values = (n: number) => Array.from({ length: n }, (_, i) => `s${i}`).join(',');
    expect(parse(`status=${values(100)}`).filters[0]!.values).toHaveLength(100);
    expect(refusal(`status=${values(101)}`)).toEqual({
      status: 400,
      text: 'A search parameter may have at most 100 comma-separated values; status has 101',
      expression: ['status'],
    });
  });
});
