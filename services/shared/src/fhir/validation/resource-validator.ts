import {
  loadDataType,
  OperationOutcomeError as MedplumOutcomeError,
  validateTypedValue,
  type TypedValueWithPath,
} from '@medplum/core';
import type { OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { invalidResource } from '../../errors/operation-outcome-error.js';
import { loadR4Definitions } from '../r4-definitions.js';
import { structureIssues } from './structure-check.js';
import type { ValueSetRegistry } from './value-set-registry.js';

/**
 * Validates a resource against base R4 (structure, cardinality, types, invariants) with
 * @medplum/core's validator, against its PeerBridge profile when it has one, and checks every
 * code bound with strength `required`, which that validator only collects. Throws a 400 whose
 * OperationOutcome lists every problem with the element's path in `expression`.
 */
export class ResourceValidator {
  constructor(
    private readonly valueSets: ValueSetRegistry,
    profiles: ReadonlyMap<string, StructureDefinition> = new Map(),
  ) {
    loadR4Definitions();
    // validateResource({ profile }) parses the profile on every call (~1.5 ms). Registering each
    // profile once as a data type named by its URL lets the validator use the parsed schema.
    for (const [url, profile] of profiles) {
      loadDataType({ ...profile, type: url });
    }
    this.profileUrls = new Set(profiles.keys());
  }

  private readonly profileUrls: ReadonlySet<string>;
  /** Objects that passed, so that a resource checked at the HTTP edge is not checked again on write. */
  private readonly passed = new WeakMap<object, string>();

  /** Validates unless this very object already passed against the same profile (or base type). */
  validateOnce(resource: Resource, profileUrl?: string): void {
    if (this.passed.get(resource) !== (profileUrl ?? resource.resourceType)) {
      this.validate(resource, profileUrl);
    }
  }

  validate(resource: Resource, profileUrl?: string): void {
    if (profileUrl && !this.profileUrls.has(profileUrl)) {
      throw new Error(`Profile ${profileUrl} is not loaded`);
    }
    // A profile's snapshot is the base definition narrowed (withSnapshot refuses anything else),
    // so validating against the profile checks every base R4 rule as well, in one pass.
    const type = profileUrl ?? resource.resourceType;
    // The shape first: the validator and everything after it may rely on it.
    const structural = structureIssues(resource as unknown as Record<string, unknown>);
    if (structural.length > 0) {
      throw invalidResource(structural);
    }
    const issues: OperationOutcomeIssue[] = [];
    const tokens: Record<string, TypedValueWithPath[]> = {};
    try {
      validateTypedValue({ type, value: resource }, { collect: { tokens } });
    } catch (error) {
      if (!(error instanceof MedplumOutcomeError)) {
        throw error;
      }
      issues.push(...(error.outcome.issue ?? []).filter((issue) => issue.severity !== 'warning'));
    }
    issues.push(...this.bindingIssues(tokens));
    if (issues.length > 0) {
      throw invalidResource(dedupe(issues));
    }
    this.passed.set(resource, type);
  }

  private bindingIssues(tokens: Record<string, TypedValueWithPath[]>): OperationOutcomeIssue[] {
    const issues: OperationOutcomeIssue[] = [];
    for (const [valueSet, values] of Object.entries(tokens)) {
      const allowed = this.valueSets.codes(valueSet);
      if (!allowed) {
        continue;
      }
      for (const value of values) {
        // A CodeableConcept meets a required binding when one of its codings is in the set.
        const codes = codesOf(value);
        const isMember = ({ code, system }: (typeof codes)[number]) =>
          allowed.has(system ? `${system}|${code}` : code);
        const first = codes[0];
        if (first && !codes.some(isMember)) {
          issues.push({
            severity: 'error',
            code: 'code-invalid',
            details: {
              text: `Value "${first.code}" is not in the required value set ${valueSet.split('|')[0]}`,
            },
            expression: [first.path],
          });
        }
      }
    }
    return issues;
  }
}

function codesOf(value: TypedValueWithPath): { code: string; system?: string; path: string }[] {
  const v = value.value as Record<string, unknown> | string;
  if (typeof v === 'string') {
    return [{ code: v, path: value.path }];
  }
  if (value.type === 'Coding') {
    return typeof v.code === 'string'
      ? [{ code: v.code, system: v.system as string | undefined, path: `${value.path}.code` }]
      : [];
  }
  if (value.type === 'CodeableConcept') {
    // A required binding on a CodeableConcept is met when some coding is in the value set.
    const codings = (v.coding as { code?: string; system?: string }[] | undefined) ?? [];
    return codings.flatMap((coding, i) =>
      typeof coding.code === 'string'
        ? [{ code: coding.code, system: coding.system, path: `${value.path}.coding[${i}].code` }]
        : [],
    );
  }
  return [];
}

function dedupe(issues: OperationOutcomeIssue[]): OperationOutcomeIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.details?.text}|${issue.expression?.join()}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}
