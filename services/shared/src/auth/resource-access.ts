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
import { intersect, type Audience } from '../access/audience.js';
import type { AuthContext } from './auth-context.js';
import { insufficientScope } from './auth-errors.js';
import { patientCompartmentParameters } from './patient-compartment.js';
import { assertPermitted } from './require-permission.js';
import type { ResourceScope, ScopeAction } from './scopes.js';

/**
 * The permission an access is made under: normally the action on the resource's own type, but
 * for a resource that is part of an aggregate (a referral's Task when the referral's
 * ServiceRequest is read) the permission on the aggregate's root. Granular scope queries are
 * written for the root's type, so they apply to the root only; the patient compartment applies
 * to every part.
 */
export interface Grant {
  readonly resourceType: string;
  readonly action: ScopeAction;
}

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
    private readonly grant: Grant,
    readonly restriction: AccessRestriction | undefined,
    private readonly baseUrl: string,
    private readonly audience: Audience | undefined,
  ) {}

  /**
   * 403 insufficient_scope when no scope grants the permission. `audience` (the service's own
   * rule about whom each type is for) narrows what the scopes allow.
   */
  static of(
    auth: AuthContext,
    definition: ResourceDefinition,
    grant: Grant,
    baseUrl: string,
    audience?: Audience,
  ): ResourceAccess {
    assertPermitted(auth, grant.resourceType, grant.action);
    const restriction = intersect(restrictionFor(auth, definition, grant), audience?.get(definition.type));
    return new ResourceAccess(auth, definition, grant, restriction, baseUrl, audience);
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
        // Included resources are read: under their own read permission, or, for a part of an
        // aggregate, under the permission the whole search was granted.
        const grant: Grant =
          this.grant.resourceType === this.definition.type
            ? { resourceType: target, action: 'r' }
            : this.grant;
        if (definition && this.auth.can(grant.resourceType, grant.action)) {
          const restriction = intersect(
            restrictionFor(this.auth, definition, grant),
            this.audience?.get(target),
          );
          includeRestrictions.set(target, restriction ?? 'all');
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
  grant: Grant,
): AccessRestriction | undefined {
  const alternatives: SearchFilter[][] = [];
  const ownType = grant.resourceType === definition.type;
  for (const scope of auth.grants(grant.resourceType, grant.action)) {
    const filters = ownType ? scopeFilters(definition, scope) : [];
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
