import { describe, expect, it } from '@jest/globals';
import { OperationOutcomeError } from '../../errors/operation-outcome-error.js';
import { defineResource } from '../resource-definition.js';
import { orderByClause, whereClause } from './search-sql.js';
import { parseSearchRequest, type SearchRequest } from './search-request.js';
import { SqlParams } from './sql-params.js';

const BASE = 'https://pb.example';
const TASK = defineResource({
  type: 'Task',
  interactions: ['search-type'],
  searchParameters: ['code', 'patient', 'focus', 'authored-on', 'owner'],
});
const PATIENT = defineResource({
  type: 'Patient',
  interactions: ['search-type'],
  searchParameters: ['name', 'birthdate', 'gender'],
});
const QUESTIONNAIRE = defineResource({
  type: 'Questionnaire',
  interactions: ['search-type'],
  searchParameters: ['url'],
});

const request = (definition = TASK, ...query: [string, string][]) =>
  parseSearchRequest(definition, query, { strict: true });

/** The WHERE clause of a search, the lookup prefix shortened to `IN(table: condition)`, and its parameters. */
function where(search: SearchRequest): [string, unknown[]] {
  const params = new SqlParams();
  const sql = whereClause('fhir', search, params, BASE)
    .replace(
      /r\.id IN \(SELECT id FROM fhir\.(\w+) WHERE resource_type = \$1 AND param = (\$\d+) AND /g,
      'IN($1 $2: ',
    )
    .replace(/^r\.resource_type = \$1 AND NOT r\.deleted(?: AND )?/, '');
  return [sql, params.values.slice(1)];
}

/** The condition and parameters of one filter on Task. */
const filter = (name: string, value: string, definition = TASK) => where(request(definition, [name, value]));

function refusal(call: () => unknown): [number, string | undefined] {
  try {
    call();
  } catch (error) {
    if (error instanceof OperationOutcomeError)
      return [error.status, error.outcome.issue?.[0]?.details?.text];
    throw error;
  }
  throw new Error('not refused');
}

describe('whereClause', () => {
  it('when a search has no filters, then only the type and not deleted are required', () => {
    const params = new SqlParams();
    expect(whereClause('fhir', request(), params, BASE)).toBe('r.resource_type = $1 AND NOT r.deleted');
    expect(params.values).toEqual(['Task']);
  });

  it('when a search has filters, then each is an indexed lookup in the given schema, ANDed', () => {
    const params = new SqlParams();
    expect(whereClause('tenant_a', request(TASK, ['code', 'x'], ['_id', 't-1']), params, BASE)).toBe(
      'r.resource_type = $1 AND NOT r.deleted AND r.id IN (SELECT id FROM tenant_a.search_token WHERE resource_type = $1 AND param = $2 AND code = ANY($3::text[])) AND r.id = ANY($4::text[])',
    );
    expect(params.values).toEqual(['Task', 'code', ['x'], ['t-1']]);
  });

  it('when _id is searched, then the resource ids are compared', () => {
    expect(filter('_id', 'a,b')).toEqual(['r.id = ANY($2::text[])', [['a', 'b']]]);
  });

  it.each([
    ['a', 'IN(search_token $2: code = ANY($3::text[]))', ['code', ['a']]],
    ['a,b', 'IN(search_token $2: code = ANY($3::text[]))', ['code', ['a', 'b']]],
    [
      'http://s|a',
      "IN(search_token $2: (code = ANY($3::text[]) AND system || '|' || code = ANY($4::text[])))",
      ['code', ['a'], ['http://s|a']],
    ],
    ['|a', 'IN(search_token $2: (code = ANY($3::text[]) AND system IS NULL))', ['code', ['a']]],
    ['http://s|', 'IN(search_token $2: system = ANY($3::text[]))', ['code', ['http://s']]],
    [
      'a,http://s|b,|c,http://t|,http://u|d',
      "IN(search_token $2: (code = ANY($3::text[]) OR (code = ANY($4::text[]) AND system || '|' || code = ANY($5::text[])) OR (code = ANY($6::text[]) AND system IS NULL) OR system = ANY($7::text[])))",
      ['code', ['a'], ['b', 'd'], ['http://s|b', 'http://u|d'], ['c'], ['http://t']],
    ],
    [
      'a|b|c',
      "IN(search_token $2: (code = ANY($3::text[]) AND system || '|' || code = ANY($4::text[])))",
      ['code', ['b|c'], ['a|b|c']],
    ],
  ])('when code=%s is searched, then the token condition is %s', (value, sql, params) => {
    expect(filter('code', value)).toEqual([sql, params]);
  });

  it.each([
    ['Patient/p-1', 'Patient/p-1'],
    ['p-1', 'Patient/p-1'],
    [`${BASE}/fhir/Patient/p-1/_history/2`, 'Patient/p-1'],
    ['https://ehr.example/fhir/Patient/p-1', 'https://ehr.example/fhir/Patient/p-1'],
  ])('when patient=%s is searched, then the reference target %s is looked up', (value, target) => {
    expect(filter('patient', value)).toEqual([
      'IN(search_reference $2: target = ANY($3::text[]))',
      ['patient', [target]],
    ]);
  });

  it('when a bare id is searched with a type modifier, then the modifier gives its type', () => {
    expect(filter('focus:ServiceRequest', 'sr-1')).toEqual([
      'IN(search_reference $2: target = ANY($3::text[]))',
      ['focus', ['ServiceRequest/sr-1']],
    ]);
    expect(filter('focus:ServiceRequest', 'ServiceRequest/sr-1')[1]).toEqual([
      'focus',
      ['ServiceRequest/sr-1'],
    ]);
  });

  it.each([
    ['focus', 'sr-1', 400, 'focus needs a typed reference such as Patient/123'],
    ['focus:ServiceRequest', 'Task/t-1', 400, 'focus:ServiceRequest does not match reference Task/t-1'],
    ['focus:missing', 'ServiceRequest/sr-1', 400, 'Unsupported modifier :missing on focus'],
    ['focus:xServiceRequest', 'sr-1', 400, 'Unsupported modifier :xServiceRequest on focus'],
    ['focus:Service1', 'sr-1', 400, 'Unsupported modifier :Service1 on focus'],
    ['code:text', 'a', 400, 'Unsupported modifier :text on code'],
    ['_id:not', 'a', 400, 'Unsupported modifier :not on _id'],
    ['_lastUpdated:missing', '2024', 400, 'Unsupported modifier :missing on _lastUpdated'],
    ['authored-on:missing', '2024', 400, 'Unsupported modifier :missing on authored-on'],
  ])('when %s=%s is searched, then %i: %s', (name, value, status, text) => {
    expect(refusal(() => filter(name, value))).toEqual([status, text]);
  });

  it('when a bare id is longer than an id may be, then it is taken as written', () => {
    const long = 'a'.repeat(65);
    expect(filter('focus', long)[1]).toEqual(['focus', [long]]);
    expect(filter('focus', `x y`)[1]).toEqual(['focus', ['x y']]);
  });

  it.each([
    [
      '2024',
      'eq',
      '(low >= $3::timestamptz AND high <= $4::timestamptz)',
      ['2024-01-01T00:00:00.000Z', '2024-12-31T23:59:59.999Z'],
    ],
    [
      'eq2024',
      'eq',
      '(low >= $3::timestamptz AND high <= $4::timestamptz)',
      ['2024-01-01T00:00:00.000Z', '2024-12-31T23:59:59.999Z'],
    ],
    ['gt2024', 'gt', 'high > $3::timestamptz', ['2024-12-31T23:59:59.999Z']],
    ['lt2024', 'lt', 'low < $3::timestamptz', ['2024-01-01T00:00:00.000Z']],
    ['ge2024', 'ge', 'high >= $3::timestamptz', ['2024-01-01T00:00:00.000Z']],
    ['le2024', 'le', 'low <= $3::timestamptz', ['2024-12-31T23:59:59.999Z']],
  ])(
    'when authored-on=%s is searched, then the %s comparison is on the interval',
    (value, _prefix, condition, bounds) => {
      expect(filter('authored-on', value)).toEqual([
        `IN(search_date $2: ${condition})`,
        ['authored-on', ...bounds],
      ]);
    },
  );

  it('when a date is searched with ne, then no value of the resource may equal it', () => {
    expect(filter('authored-on', 'ne2024-03')).toEqual([
      'NOT IN(search_date $2: (low >= $3::timestamptz AND high <= $4::timestamptz))',
      ['authored-on', '2024-03-01T00:00:00.000Z', '2024-03-31T23:59:59.999Z'],
    ]);
  });

  it('when several date alternatives are searched, then the positive ones come first, ORed with the negated', () => {
    expect(filter('authored-on', 'ne2024,gt2025,lt2020')).toEqual([
      '(IN(search_date $2: high > $3::timestamptz) OR IN(search_date $2: low < $4::timestamptz) OR NOT IN(search_date $2: (low >= $5::timestamptz AND high <= $6::timestamptz)))',
      [
        'authored-on',
        '2025-12-31T23:59:59.999Z',
        '2020-01-01T00:00:00.000Z',
        '2024-01-01T00:00:00.000Z',
        '2024-12-31T23:59:59.999Z',
      ],
    ]);
  });

  it('when _lastUpdated is searched, then the resource table column is compared', () => {
    expect(filter('_lastUpdated', 'ge2024-01-01,lt2020')).toEqual([
      '(r.last_updated >= $2::timestamptz OR r.last_updated < $3::timestamptz)',
      ['2024-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z'],
    ]);
    expect(filter('_lastUpdated', '2024')).toEqual([
      '(r.last_updated >= $2::timestamptz AND r.last_updated <= $3::timestamptz)',
      ['2024-01-01T00:00:00.000Z', '2024-12-31T23:59:59.999Z'],
    ]);
  });

  it.each([
    ['sa2024', 'Unsupported date prefix "sa" on authored-on'],
    ['ap2024', 'Unsupported date prefix "ap" on authored-on'],
    ['yesterday', 'Unsupported date prefix "ye" on authored-on'],
    ['2024-13', 'authored-on must be a FHIR date or dateTime, optionally prefixed (eq, ne, lt, gt, le, ge)'],
    ['gt', 'authored-on must be a FHIR date or dateTime, optionally prefixed (eq, ne, lt, gt, le, ge)'],
    ['G2024', 'authored-on must be a FHIR date or dateTime, optionally prefixed (eq, ne, lt, gt, le, ge)'],
    ['x2024', 'authored-on must be a FHIR date or dateTime, optionally prefixed (eq, ne, lt, gt, le, ge)'],
    [
      '2024-03-05ab',
      'authored-on must be a FHIR date or dateTime, optionally prefixed (eq, ne, lt, gt, le, ge)',
    ],
  ])('when authored-on=%s is searched, then 400: %s', (value, text) => {
    expect(refusal(() => filter('authored-on', value))).toEqual([400, text]);
  });

  it.each([
    ['name', 'Zoë', 'normalized LIKE $3', 'zoe%'],
    ['name:contains', 'a_b%c\\', 'normalized LIKE $3', '%a\\_b\\%c\\\\%'],
    ['name:exact', 'Zoë', 'value = $3', 'Zoë'],
  ])('when %s=%s is searched, then the string condition is %s', (name, value, condition, param) => {
    expect(filter(name, value, PATIENT)).toEqual([`IN(search_string $2: ${condition})`, ['name', param]]);
  });

  it('when several string alternatives are searched, then they are ORed inside one lookup', () => {
    expect(filter('name', 'a,b', PATIENT)).toEqual([
      'IN(search_string $2: (normalized LIKE $3 OR normalized LIKE $4))',
      ['name', 'a%', 'b%'],
    ]);
  });

  it('when a string is searched with an unsupported modifier, then 400', () => {
    expect(refusal(() => filter('name:missing', 'x', PATIENT))).toEqual([
      400,
      'Unsupported modifier :missing on name',
    ]);
  });

  it('when a uri is searched, then it is matched exactly, and a modifier is refused', () => {
    expect(filter('url', 'https://x.example/Q', QUESTIONNAIRE)).toEqual([
      'IN(search_string $2: value = ANY($3::text[]))',
      ['url', ['https://x.example/Q']],
    ]);
    expect(refusal(() => filter('url:below', 'https://x.example', QUESTIONNAIRE))).toEqual([
      400,
      'Unsupported modifier :below on url',
    ]);
  });

  it('when access is restricted, then the alternatives are ORed and the filters of each ANDed, after the client filters', () => {
    const code = request(TASK, ['code', 'a']).filters[0]!;
    const patient = request(TASK, ['patient', 'Patient/p-1']).filters[0]!;
    expect(where({ ...request(TASK, ['_id', 't-1']), restrictedTo: [[code, patient], [code]] })).toEqual([
      'r.id = ANY($2::text[]) AND ((IN(search_token $3: code = ANY($4::text[])) AND IN(search_reference $5: target = ANY($6::text[]))) OR (IN(search_token $7: code = ANY($8::text[]))))',
      [['t-1'], 'code', ['a'], 'patient', ['Patient/p-1'], 'code', ['a']],
    ]);
  });

  it('when access is restricted to nothing, then nothing matches; to an empty alternative, everything does', () => {
    expect(where({ ...request(), restrictedTo: [] })).toEqual(['FALSE', []]);
    expect(where({ ...request(), restrictedTo: [[]] })).toEqual(['(TRUE)', []]);
  });
});

describe('orderByClause', () => {
  const sort = (definition: typeof TASK, value: string) =>
    orderByClause('fhir', request(definition, ['_sort', value]).sort);
  const subquery = (aggregate: string, column: string, table: string, param: string) =>
    `(SELECT ${aggregate}(s.${column}) FROM fhir.${table} s WHERE s.resource_type = r.resource_type AND s.id = r.id AND s.param = '${param}')`;

  it('when nothing is sorted, then the order is by last update and id', () => {
    expect(orderByClause('fhir', [])).toBe('r.last_updated ASC, r.id ASC');
  });

  it('when _id and _lastUpdated are sorted, then the resource columns are used in the directions asked', () => {
    expect(sort(TASK, '-_lastUpdated,_id')).toBe(
      'r.last_updated DESC NULLS LAST, r.id ASC NULLS LAST, r.last_updated ASC, r.id ASC',
    );
  });

  it.each([
    ['code', TASK, subquery('min', 'code', 'search_token', 'code')],
    ['-code', TASK, subquery('max', 'code', 'search_token', 'code')],
    ['patient', TASK, subquery('min', 'target', 'search_reference', 'patient')],
    ['-patient', TASK, subquery('max', 'target', 'search_reference', 'patient')],
    ['authored-on', TASK, subquery('min', 'low', 'search_date', 'authored-on')],
    ['-authored-on', TASK, subquery('max', 'high', 'search_date', 'authored-on')],
    ['name', PATIENT, subquery('min', 'normalized', 'search_string', 'name')],
    ['-name', PATIENT, subquery('max', 'normalized', 'search_string', 'name')],
    ['url', QUESTIONNAIRE, subquery('min', 'value', 'search_string', 'url')],
    ['-url', QUESTIONNAIRE, subquery('max', 'value', 'search_string', 'url')],
  ])(
    'when the sort is %s, then it orders by an aggregate of its index rows',
    (value, definition, expression) => {
      const direction = value.startsWith('-') ? 'DESC' : 'ASC';
      expect(sort(definition, value)).toBe(
        `${expression} ${direction} NULLS LAST, r.last_updated ASC, r.id ASC`,
      );
    },
  );
});
