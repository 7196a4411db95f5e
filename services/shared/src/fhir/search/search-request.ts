import { isStorableText } from '../../app/storable-text.js';
import { badRequest } from '../../errors/operation-outcome-error.js';
import type { ResourceDefinition, SearchParameterDefinition } from '../resource-definition.js';

/** `_id` and `_lastUpdated` apply to every resource type and live on the resource table itself. */
export type SearchTarget =
  { kind: 'id' } | { kind: 'lastUpdated' } | { kind: 'parameter'; parameter: SearchParameterDefinition };

export interface SearchFilter {
  readonly name: string;
  readonly target: SearchTarget;
  readonly modifier: string | undefined;
  /** Alternatives: the filter matches when any of them does. */
  readonly values: readonly string[];
}

export interface SortKey {
  readonly name: string;
  readonly target: SearchTarget;
  readonly descending: boolean;
}

/**
 * Set by authorization, never from the query: a resource is visible when it matches every filter
 * of at least one alternative. No alternatives means nothing is visible.
 */
export type AccessRestriction = readonly (readonly SearchFilter[])[];

export interface SearchRequest {
  readonly resourceType: string;
  /** Every filter must match (repeated parameters are ANDed). */
  readonly filters: readonly SearchFilter[];
  readonly count: number;
  readonly offset: number;
  readonly sort: readonly SortKey[];
  readonly include: readonly string[];
  readonly total: 'accurate' | 'none';
  /** Parameters this server does not support, reported back to the client. */
  readonly ignored: readonly string[];
  /** Confines matches (and so totals and pages) to what the caller may see; absent: no limit. */
  readonly restrictedTo?: AccessRestriction;
  /**
   * When present, `_include` only returns resources of the types listed here, confined by their
   * restriction ('all' for none); resources of any other type are left out.
   */
  readonly includeRestrictions?: ReadonlyMap<string, AccessRestriction | 'all'>;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 1000;

/**
 * What one search may ask for, so that no request can tie up the database: PostgreSQL's time to
 * plan a search grows faster than its number of conditions (48 filters took over a second to
 * plan where 20 take a tenth of that). Beyond a limit the search is refused with 400.
 */
export const SEARCH_LIMITS = {
  /** Parameters in one search, repeats and result parameters (`_count`, `_sort`, …) included. */
  parameters: 20,
  /** Comma-separated alternatives in one parameter's value. */
  valuesPerParameter: 100,
  /** Characters of the query string, or of a `_search` form body. */
  queryLength: 8192,
} as const;

const RESULT_PARAMETERS = new Set(['_count', '_offset', '_sort', '_include', '_total', '_format', '_pretty']);

/**
 * Reads a search query into a SearchRequest. Unknown parameters are ignored and listed (FHIR's
 * lenient handling) unless the client asked for strict handling, which makes them a 400.
 */
export function parseSearchRequest(
  definition: ResourceDefinition,
  query: readonly (readonly [string, string])[],
  options: { strict: boolean },
): SearchRequest {
  const filters: SearchFilter[] = [];
  const ignored: string[] = [];
  let count = DEFAULT_PAGE_SIZE;
  let offset = 0;
  let sort: SortKey[] = [];
  const include: string[] = [];
  let total: SearchRequest['total'] = 'accurate';

  if (query.length > SEARCH_LIMITS.parameters) {
    throw badRequest(
      `A search may have at most ${SEARCH_LIMITS.parameters} parameters; this one has ${query.length}`,
      query[SEARCH_LIMITS.parameters]![0],
    );
  }
  for (const [key, value] of query) {
    if (!isStorableText(key) || !isStorableText(value)) {
      throw badRequest('A search parameter must not hold a NUL character or an unpaired surrogate', key);
    }
    const [name = '', modifier] = key.split(':', 2);
    if (RESULT_PARAMETERS.has(key)) {
      switch (key) {
        case '_count':
          count = parseInteger(key, value, 0, MAX_PAGE_SIZE);
          break;
        case '_offset':
          offset = parseInteger(key, value, 0, Number.MAX_SAFE_INTEGER);
          break;
        case '_sort':
          sort = value.split(',').map((field) => sortKey(definition, field));
          break;
        case '_include':
          include.push(includeValue(definition, value, options.strict, ignored));
          break;
        case '_total':
          total = value === 'none' ? 'none' : 'accurate';
          break;
      }
      continue;
    }
    const target = targetOf(definition, name);
    if (!target) {
      if (options.strict) {
        throw badRequest(`Unknown search parameter "${name}" for ${definition.type}`, name);
      }
      ignored.push(key);
      continue;
    }
    if (value === '') {
      continue;
    }
    const values = splitAlternatives(value);
    if (values.length > SEARCH_LIMITS.valuesPerParameter) {
      throw badRequest(
        `A search parameter may have at most ${SEARCH_LIMITS.valuesPerParameter} comma-separated values; ${name} has ${values.length}`,
        name,
      );
    }
    filters.push({ name, target, modifier, values });
  }
  return {
    resourceType: definition.type,
    filters,
    count,
    offset,
    sort,
    include: include.filter((value) => value !== ''),
    total,
    ignored,
  };
}

export function targetOf(definition: ResourceDefinition, name: string): SearchTarget | undefined {
  if (name === '_id') {
    return { kind: 'id' };
  }
  if (name === '_lastUpdated') {
    return { kind: 'lastUpdated' };
  }
  const parameter = definition.searchParameters.get(name);
  return parameter ? { kind: 'parameter', parameter } : undefined;
}

function sortKey(definition: ResourceDefinition, field: string): SortKey {
  const descending = field.startsWith('-');
  const name = descending ? field.slice(1) : field;
  const target = targetOf(definition, name);
  if (!target) {
    throw badRequest(`Cannot sort ${definition.type} by unknown parameter "${name}"`, '_sort');
  }
  return { name, target, descending };
}

function includeValue(
  definition: ResourceDefinition,
  value: string,
  strict: boolean,
  ignored: string[],
): string {
  // `Task:focus` or `Task:focus:ServiceRequest`; the target type narrows nothing we store twice.
  const [type, parameter] = value.split(':');
  const include = `${type}:${parameter}`;
  if (definition.includes.includes(include)) {
    return include;
  }
  if (strict) {
    throw badRequest(`Unsupported _include "${value}"`, '_include');
  }
  ignored.push(`_include=${value}`);
  return '';
}

/** Commas separate alternatives; `\,` is a literal comma. */
function splitAlternatives(value: string): string[] {
  return value
    .split(/(?<!\\),/)
    .map((part) => part.replace(/\\,/g, ','))
    .filter((part) => part !== '');
}

function parseInteger(name: string, value: string, min: number, max: number): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
    throw badRequest(`${name} must be an integer between ${min} and ${max}`, name);
  }
  return parsed;
}
