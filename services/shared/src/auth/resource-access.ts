import type { Response } from 'express';
import type { Resource } from '@medplum/fhirtypes';
import { notFound } from '../errors/operation-outcome-error.js';
import type { ResourceDefinition } from '../fhir/resource-definition.js';
import { indexRowsFor, type IndexRows } from '../fhir/search/index-rows.js';
import { normalizeReference } from '../fhir/search/reference.js';
import {
  parseSearchRequest,
  type AccessRestriction,
  type SearchFilter,
  type SearchRequest,
} from '../fhir/search/search-request.js';
import type { AuthContext } from './auth-context.js';
import { insufficientScope } from './auth-errors.js';
import { patientCompartmentParameters } from './patient-compartment.js';
import { assertPermitted, requireAuth } from './require-permission.js';
import type { ResourceScope, ScopeAction } from './scopes.js';

/**
 * What one caller may do with one resource type for one action, worked out from the token's
 * scopes: a granular scope's query and, for patient/ scopes, the patient compartment become an
 * AccessRestriction. Searches carry it into SQL (so totals and pages only count what may be
 * seen); single resources are checked against it in memory with the same index rows the store
 * writes. `restriction` undefined means the caller may act on every resource of the type.
 */
export class ResourceAccess {
  private constructor(
    private readonly auth: AuthContext,
    private readonly definition: ResourceDefinition,
    readonly restriction: AccessRestriction | undefined,
    private readonly baseUrl: string,
  ) {}

  /** 401 without a token, 403 insufficient_scope when no scope grants the action. */
  static of(
    res: Response,
    definition: ResourceDefinition,
    action: ScopeAction,
    baseUrl: string,
  ): ResourceAccess {
    const auth = requireAuth(res);
    assertPermitted(auth, definition.type, action);
    return new ResourceAccess(auth, definition, restrictionFor(auth, definition, action), baseUrl);
  }

  covers(resource: Resource): boolean {
    const restriction = this.restriction;
    if (!restriction) {
      return true;
    }
    let rows: IndexRows | undefined;
    const indexed = () => (rows ??= indexRowsFor(resource, this.definition, this.baseUrl));
    return restriction.some((filters) =>
      filters.every((filter) => matches(resource, filter, indexed, this.baseUrl)),
    );
  }

  /** Another patient's resource (or one outside a granular scope) reads as if it did not exist. */
  assertReadable(resource: Resource): void {
    if (!this.covers(resource)) {
      throw notFound(`${resource.resourceType}/${resource.id} not found`);
    }
  }

  assertWritable(resource: Resource): void {
    if (!this.covers(resource)) {
      throw insufficientScope(
        `The access token's scopes do not allow writing this ${resource.resourceType} (outside the token's patient or granular scope)`,
      );
    }
  }

  /** The search confined to what the caller may see, including what `_include` may add. */
  restrictSearch(request: SearchRequest, includable: ReadonlyMap<string, ResourceDefinition>): SearchRequest {
    const includeRestrictions = new Map<string, AccessRestriction | 'all'>();
    for (const include of request.include) {
      const parameter = this.definition.searchParameters.get(include.split(':')[1] ?? '');
      for (const target of parameter?.targets ?? []) {
        const definition = includable.get(target);
        if (definition && this.auth.can(target, 'r')) {
          includeRestrictions.set(target, restrictionFor(this.auth, definition, 'r') ?? 'all');
        }
      }
    }
    return {
      ...request,
      ...(this.restriction ? { restrictedTo: this.restriction } : {}),
      includeRestrictions,
    };
  }
}

function restrictionFor(
  auth: AuthContext,
  definition: ResourceDefinition,
  action: ScopeAction,
): AccessRestriction | undefined {
  const alternatives: SearchFilter[][] = [];
  for (const scope of auth.grants(definition.type, action)) {
    const filters = scopeFilters(definition, scope);
    if (!filters) {
      continue;
    }
    if (scope.context !== 'patient') {
      if (filters.length === 0) {
        return undefined;
      }
      alternatives.push(filters);
      continue;
    }
    for (const compartment of compartmentFilters(definition, auth.patient!)) {
      alternatives.push([...filters, compartment]);
    }
  }
  return alternatives;
}

/**
 * A granular scope's query as search filters. Only plain token and typed reference filters on
 * declared parameters are honoured (they can be checked both in SQL and in memory); a scope with
 * anything else grants nothing rather than more than it says.
 */
function scopeFilters(definition: ResourceDefinition, scope: ResourceScope): SearchFilter[] | undefined {
  if (scope.restriction.length === 0) {
    return [];
  }
  let filters: readonly SearchFilter[];
  try {
    filters = parseSearchRequest(definition, scope.restriction, { strict: true }).filters;
  } catch {
    return undefined;
  }
  const usable = filters.every(
    ({ target, modifier, values }) =>
      modifier === undefined &&
      (target.kind === 'id' ||
        (target.kind === 'parameter' &&
          (target.parameter.type === 'token' ||
            (target.parameter.type === 'reference' && values.every((value) => value.includes('/')))))),
  );
  return usable && filters.length === scope.restriction.length ? [...filters] : undefined;
}

/** One filter per way a resource of this type can be in the patient's compartment. */
function compartmentFilters(definition: ResourceDefinition, patient: string): SearchFilter[] {
  const filters: SearchFilter[] = [];
  if (definition.type === 'Patient') {
    filters.push({ name: '_id', target: { kind: 'id' }, modifier: undefined, values: [patient] });
  }
  for (const name of patientCompartmentParameters(definition.type)) {
    const parameter = definition.searchParameters.get(name);
    if (parameter?.type === 'reference') {
      filters.push({
        name,
        target: { kind: 'parameter', parameter },
        modifier: undefined,
        values: [`Patient/${patient}`],
      });
    }
  }
  return filters;
}

function matches(resource: Resource, filter: SearchFilter, rows: () => IndexRows, baseUrl: string): boolean {
  const { target, values } = filter;
  if (target.kind === 'id') {
    return resource.id !== undefined && values.includes(resource.id);
  }
  if (target.kind !== 'parameter') {
    return false;
  }
  const param = target.parameter.name;
  switch (target.parameter.type) {
    case 'reference': {
      const wanted = new Set(values.map((value) => normalizeReference(value, baseUrl) ?? value));
      return rows().references.some((row) => row.param === param && wanted.has(row.target));
    }
    case 'token':
      return rows().tokens.some(
        (row) => row.param === param && values.some((value) => tokenMatches(value, row)),
      );
    default:
      return false;
  }
}

/** The same token semantics as the SQL search: `code`, `system|code`, `|code`, `system|`. */
function tokenMatches(value: string, row: { system: string | null; code: string }): boolean {
  const bar = value.indexOf('|');
  if (bar < 0) {
    return row.code === value;
  }
  const system = value.slice(0, bar);
  const code = value.slice(bar + 1);
  if (system === '') {
    return row.system === null && row.code === code;
  }
  if (code === '') {
    return row.system === system;
  }
  return row.system === system && row.code === code;
}
