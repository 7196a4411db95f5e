import { getSearchParameters } from '@medplum/core';
import type { ResourceType } from '@medplum/fhirtypes';
import { r4TypeSchema } from './r4/r4-definitions.js';
import { compileSearchExpression, type SearchExpression } from './search/search-expression.js';

/** FHIR type-level and instance-level interactions a resource type can offer. */
export type Interaction =
  'read' | 'vread' | 'update' | 'delete' | 'history-instance' | 'create' | 'search-type';

export type SearchParameterType = 'token' | 'reference' | 'date' | 'string' | 'uri';

export interface SearchParameterDefinition {
  readonly name: string;
  readonly type: SearchParameterType;
  /** FHIRPath for this resource type only, taken from the official (or published) SearchParameter. */
  readonly expression: string;
  /** The same expression compiled once, so indexing a write does not parse it again. */
  readonly values: SearchExpression;
  /** Canonical URL of the official (or published) SearchParameter. */
  readonly definition: string;
  readonly targets: readonly string[];
  readonly documentation: string;
}

/**
 * One row of the table that drives both the FHIR router and the CapabilityStatement: what a
 * resource type supports. Because both read the same row they cannot drift apart.
 */
export interface ResourceDefinition {
  readonly type: ResourceType;
  /** Canonical URL of the profile every instance is validated against, if any. */
  readonly profile?: string;
  readonly interactions: readonly Interaction[];
  readonly searchParameters: ReadonlyMap<string, SearchParameterDefinition>;
  /** `_include` values allowed, e.g. `Task:focus`. */
  readonly includes: readonly string[];
}

export interface ResourceDefinitionInput {
  type: ResourceType;
  profile?: string;
  interactions: readonly Interaction[];
  /** Names of official R4 search parameters of this type. */
  searchParameters: readonly string[];
  /** Search parameters an implementation guide publishes for this type, which R4 lacks. */
  publishedSearchParameters?: readonly PublishedSearchParameter[];
  /** Reference search parameters that `_include` may follow. */
  includes?: readonly string[];
}

/**
 * A SearchParameter published outside R4 (e.g. US Core's `CareTeam?role`), copied from its
 * publication: `code`, `type`, `expression` and `description` as the SearchParameter states them,
 * `url` its canonical URL. Declared here rather than looked up so that nothing unpublished can
 * pass for a standard parameter: each use names its source.
 */
export interface PublishedSearchParameter {
  readonly code: string;
  readonly type: SearchParameterType;
  readonly expression: string;
  readonly url: string;
  readonly description: string;
  /** Resource types a reference parameter may point to. */
  readonly targets?: readonly string[];
}

export const ALL_INTERACTIONS: readonly Interaction[] = [
  'read',
  'vread',
  'update',
  'delete',
  'history-instance',
  'create',
  'search-type',
];

const SUPPORTED_TYPES = new Set<string>(['token', 'reference', 'date', 'string', 'uri']);

/**
 * Builds a definition from official R4 search parameter names, so every expression and type is
 * the standard's, not ours. `_id` and `_lastUpdated` are always supported and need no entry.
 */
export function defineResource(input: ResourceDefinitionInput): ResourceDefinition {
  // Loads the type's definition: a process holds the R4 resource types its services declare.
  if (r4TypeSchema(input.type)?.kind !== 'resource') {
    throw new Error(`${input.type} is not an R4 resource type`);
  }
  const official = getSearchParameters(input.type) ?? {};
  const searchParameters = new Map<string, SearchParameterDefinition>();
  for (const name of input.searchParameters) {
    const parameter = official[name];
    if (!parameter?.expression || !parameter.url || !SUPPORTED_TYPES.has(parameter.type ?? '')) {
      throw new Error(`${input.type}?${name} is not an R4 search parameter of a supported type`);
    }
    searchParameters.set(
      name,
      searchParameter(input.type, {
        code: name,
        type: parameter.type as SearchParameterType,
        expression: parameter.expression,
        url: parameter.url,
        description: parameter.description ?? '',
        targets: parameter.target ?? [],
      }),
    );
  }
  for (const published of input.publishedSearchParameters ?? []) {
    if (searchParameters.has(published.code) || official[published.code]) {
      throw new Error(
        `${input.type}?${published.code} is an R4 search parameter; name it in searchParameters`,
      );
    }
    if (!SUPPORTED_TYPES.has(published.type)) {
      throw new Error(`${input.type}?${published.code} is not of a supported type`);
    }
    searchParameters.set(published.code, searchParameter(input.type, published));
  }
  for (const include of input.includes ?? []) {
    if (searchParameters.get(include)?.type !== 'reference') {
      throw new Error(`${input.type}:${include} is not a declared reference search parameter`);
    }
  }
  return {
    type: input.type,
    profile: input.profile,
    interactions: input.interactions,
    searchParameters,
    includes: (input.includes ?? []).map((name) => `${input.type}:${name}`),
  };
}

function searchParameter(type: string, parameter: PublishedSearchParameter): SearchParameterDefinition {
  const expression = expressionFor(type, parameter.expression);
  return {
    name: parameter.code,
    type: parameter.type,
    expression,
    values: compileSearchExpression(expression),
    definition: parameter.url,
    targets: parameter.targets ?? [],
    documentation: parameter.description,
  };
}

/** Official expressions are unions over many types; keep the branches for this type. */
function expressionFor(type: string, expression: string): string {
  const branches = expression
    .split(' | ')
    .map((branch) => branch.trim())
    .filter((branch) => branch.replace(/^\(/, '').startsWith(`${type}.`));
  if (branches.length === 0) {
    throw new Error(`No ${type} branch in expression ${expression}`);
  }
  return branches.join(' | ');
}
