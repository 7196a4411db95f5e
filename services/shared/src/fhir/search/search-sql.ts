import { badRequest } from '../../errors/operation-outcome-error.js';
import type { SearchParameterType } from '../resource-definition.js';
import { parseFhirDate, type DateRange } from './date-range.js';
import { normalizeReference } from './reference.js';
import type {
  AccessRestriction,
  SearchFilter,
  SearchRequest,
  SearchTarget,
  SortKey,
} from './search-request.js';
import type { SqlParams } from './sql-params.js';
import { normalizeString } from './string-normalization.js';

/**
 * Turns a SearchRequest into SQL over the resource table `r` and the search index tables. Each
 * filter becomes `r.id IN (index lookup)`, which PostgreSQL answers from the index tables'
 * b-trees, so cost grows with the log of the table size, not with it.
 */
export function whereClause(
  schema: string,
  request: SearchRequest,
  params: SqlParams,
  baseUrl: string,
): string {
  const type = params.add(request.resourceType);
  const conditions = [`r.resource_type = ${type}`, 'NOT r.deleted'];
  for (const filter of request.filters) {
    conditions.push(filterCondition(schema, type, filter, params, baseUrl));
  }
  if (request.restrictedTo) {
    conditions.push(restrictionCondition(schema, type, request.restrictedTo, params, baseUrl));
  }
  return conditions.join(' AND ');
}

/** Alternatives ORed, the filters of each ANDed: the same SQL a client's filters become. */
function restrictionCondition(
  schema: string,
  type: string,
  restriction: AccessRestriction,
  params: SqlParams,
  baseUrl: string,
): string {
  if (restriction.length === 0) {
    return 'FALSE';
  }
  const alternatives = restriction.map((filters) =>
    filters.length === 0
      ? 'TRUE'
      : `(${filters.map((filter) => filterCondition(schema, type, filter, params, baseUrl)).join(' AND ')})`,
  );
  return `(${alternatives.join(' OR ')})`;
}

export function orderByClause(schema: string, sort: readonly SortKey[]): string {
  const keys = sort.map((key) => {
    const direction = key.descending ? 'DESC' : 'ASC';
    return `${sortExpression(schema, key)} ${direction} NULLS LAST`;
  });
  return [...keys, 'r.last_updated ASC', 'r.id ASC'].join(', ');
}

const PREFIXES = ['eq', 'ne', 'lt', 'gt', 'le', 'ge'] as const;
type DatePrefix = (typeof PREFIXES)[number];

function filterCondition(
  schema: string,
  type: string,
  filter: SearchFilter,
  params: SqlParams,
  baseUrl: string,
): string {
  const { target } = filter;
  if (target.kind === 'id') {
    rejectModifier(filter);
    return `r.id = ANY(${params.add(filter.values)}::text[])`;
  }
  if (target.kind === 'lastUpdated') {
    rejectModifier(filter);
    return anyOf(
      filter.values.map((value) => {
        const { prefix, range } = parseDateValue(filter.name, value);
        return dateCondition('r.last_updated', 'r.last_updated', prefix, range, params);
      }),
    );
  }
  const { parameter } = target;
  const param = params.add(parameter.name);
  const lookup = (table: string, condition: string) =>
    `r.id IN (SELECT id FROM ${schema}.${table} WHERE resource_type = ${type} AND param = ${param} AND ${condition})`;

  switch (parameter.type) {
    case 'token':
      rejectModifier(filter);
      return lookup('search_token', tokenCondition(filter.values, params));
    case 'reference': {
      const targets = filter.values.map((value) =>
        referenceTarget(filter, parameter.targets, value, baseUrl),
      );
      return lookup('search_reference', `target = ANY(${params.add(targets)}::text[])`);
    }
    case 'date': {
      rejectModifier(filter);
      const byPrefix = filter.values.map((value) => parseDateValue(filter.name, value));
      const negated = byPrefix.filter(({ prefix }) => prefix === 'ne');
      const positive = byPrefix.filter(({ prefix }) => prefix !== 'ne');
      // ne matches a resource none of whose values equal the search value.
      const parts = positive.map(({ prefix, range }) =>
        lookup('search_date', dateCondition('low', 'high', prefix, range, params)),
      );
      for (const { range } of negated) {
        parts.push(`NOT ${lookup('search_date', dateCondition('low', 'high', 'eq', range, params))}`);
      }
      return anyOf(parts);
    }
    case 'string':
      return lookup(
        'search_string',
        anyOf(filter.values.map((value) => stringCondition(filter, value, params))),
      );
    case 'uri':
      // Exact, case-sensitive match (FHIR search, "uri"); :below and :above are not supported.
      rejectModifier(filter);
      return lookup('search_string', `value = ANY(${params.add(filter.values)}::text[])`);
  }
}

/**
 * A token parameter's alternatives as at most four conditions, one per form (`code`,
 * `system|code`, `|code`, `system|`), each with one array parameter: the SQL, and so the time to
 * plan it, stays the same size however many values the client sends.
 */
function tokenCondition(values: readonly string[], params: SqlParams): string {
  const codes: string[] = [];
  const pairs: { system: string; code: string }[] = [];
  const withoutSystem: string[] = [];
  const systems: string[] = [];
  for (const value of values) {
    const bar = value.indexOf('|');
    if (bar < 0) {
      codes.push(value);
      continue;
    }
    const system = value.slice(0, bar);
    const code = value.slice(bar + 1);
    if (system === '') withoutSystem.push(code);
    else if (code === '') systems.push(system);
    else pairs.push({ system, code });
  }
  const conditions: string[] = [];
  if (codes.length > 0) {
    conditions.push(`code = ANY(${params.add(codes)}::text[])`);
  }
  if (pairs.length > 0) {
    // The code narrows through the (param, code, system) index; the pair then picks the system.
    const pairCodes = params.add(pairs.map(({ code }) => code));
    const pairKeys = params.add(pairs.map(({ system, code }) => `${system}|${code}`));
    conditions.push(
      `(code = ANY(${pairCodes}::text[]) AND system || '|' || code = ANY(${pairKeys}::text[]))`,
    );
  }
  if (withoutSystem.length > 0) {
    conditions.push(`(code = ANY(${params.add(withoutSystem)}::text[]) AND system IS NULL)`);
  }
  if (systems.length > 0) {
    conditions.push(`system = ANY(${params.add(systems)}::text[])`);
  }
  return anyOf(conditions);
}

function referenceTarget(
  filter: SearchFilter,
  targets: readonly string[],
  value: string,
  baseUrl: string,
): string {
  const typeModifier =
    filter.modifier && /^[A-Z][A-Za-z]+$/.test(filter.modifier) ? filter.modifier : undefined;
  if (filter.modifier && !typeModifier) {
    throw badRequest(`Unsupported modifier :${filter.modifier} on ${filter.name}`, filter.name);
  }
  if (/^[A-Za-z0-9\-.]{1,64}$/.test(value)) {
    // A bare id needs a type: from the modifier, or the parameter's only target type.
    const resourceType = typeModifier ?? (targets.length === 1 ? targets[0] : undefined);
    if (!resourceType) {
      throw badRequest(`${filter.name} needs a typed reference such as Patient/123`, filter.name);
    }
    return `${resourceType}/${value}`;
  }
  const normalized = normalizeReference(value, baseUrl) ?? value;
  if (typeModifier && !normalized.startsWith(`${typeModifier}/`)) {
    throw badRequest(`${filter.name}:${typeModifier} does not match reference ${value}`, filter.name);
  }
  return normalized;
}

function stringCondition(filter: SearchFilter, value: string, params: SqlParams): string {
  switch (filter.modifier) {
    case undefined:
      return `normalized LIKE ${params.add(`${escapeLike(normalizeString(value))}%`)}`;
    case 'exact':
      return `value = ${params.add(value)}`;
    case 'contains':
      return `normalized LIKE ${params.add(`%${escapeLike(normalizeString(value))}%`)}`;
    default:
      throw badRequest(`Unsupported modifier :${filter.modifier} on ${filter.name}`, filter.name);
  }
}

function parseDateValue(name: string, value: string): { prefix: DatePrefix; range: DateRange } {
  const candidate = value.slice(0, 2);
  const prefix = (PREFIXES as readonly string[]).includes(candidate) ? (candidate as DatePrefix) : undefined;
  if (!prefix && /^[a-z]{2}/.test(value)) {
    throw badRequest(`Unsupported date prefix "${candidate}" on ${name}`, name);
  }
  const range = parseFhirDate(prefix ? value.slice(2) : value);
  if (!range) {
    throw badRequest(
      `${name} must be a FHIR date or dateTime, optionally prefixed (eq, ne, lt, gt, le, ge)`,
      name,
    );
  }
  return { prefix: prefix ?? 'eq', range };
}

/**
 * Interval comparisons from the FHIR search rules, for a stored value [low, high] and a search
 * value [p.low, p.high]: eq contains, gt/lt extend beyond, ge/le overlap or extend beyond.
 */
function dateCondition(
  low: string,
  high: string,
  prefix: DatePrefix,
  range: DateRange,
  params: SqlParams,
): string {
  // Only the bounds a comparison uses become parameters: an unused one has no type.
  const from = () => `${params.add(range.low)}::timestamptz`;
  const to = () => `${params.add(range.high)}::timestamptz`;
  switch (prefix) {
    case 'eq':
      return `(${low} >= ${from()} AND ${high} <= ${to()})`;
    case 'ne':
      return `NOT (${low} >= ${from()} AND ${high} <= ${to()})`;
    case 'gt':
      return `${high} > ${to()}`;
    case 'lt':
      return `${low} < ${from()}`;
    case 'ge':
      return `${high} >= ${from()}`;
    case 'le':
      return `${low} <= ${to()}`;
  }
}

function sortExpression(schema: string, key: SortKey): string {
  const target: SearchTarget = key.target;
  if (target.kind === 'id') {
    return 'r.id';
  }
  if (target.kind === 'lastUpdated') {
    return 'r.last_updated';
  }
  const { parameter } = target;
  const aggregate = key.descending ? 'max' : 'min';
  const column: Record<SearchParameterType, [table: string, ascending: string, descending: string]> = {
    token: ['search_token', 'code', 'code'],
    reference: ['search_reference', 'target', 'target'],
    date: ['search_date', 'low', 'high'],
    string: ['search_string', 'normalized', 'normalized'],
    uri: ['search_string', 'value', 'value'],
  };
  const [table, ascending, descending] = column[parameter.type];
  const name = parameter.name.replace(/[^a-z-]/g, '');
  return `(SELECT ${aggregate}(s.${key.descending ? descending : ascending}) FROM ${schema}.${table} s WHERE s.resource_type = r.resource_type AND s.id = r.id AND s.param = '${name}')`;
}

function anyOf(conditions: string[]): string {
  return conditions.length === 1 ? conditions[0]! : `(${conditions.join(' OR ')})`;
}

function rejectModifier(filter: SearchFilter): void {
  if (filter.modifier !== undefined) {
    throw badRequest(`Unsupported modifier :${filter.modifier} on ${filter.name}`, filter.name);
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
