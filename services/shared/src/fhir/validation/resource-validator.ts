import {
  loadDataType,
  OperationOutcomeError as MedplumOutcomeError,
  validateTypedValue,
  type TypedValueWithPath,
} from '@medplum/core';
import type { OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { invalidResource } from '../../errors/operation-outcome-error.js';
import { loadR4Definitions } from '../r4/r4-definitions.js';
import { allowsContext, extensionUses, type ExtensionUse } from './extension-uses.js';
import { structureIssues } from './structure-check.js';
import type { ValueSetRegistry } from './value-set-registry.js';

/**
 * Validates a resource against base R4 (structure, cardinality, types, invariants) with
 * @medplum/core's validator, against its PeerBridge profile when it has one, every extension whose
 * definition is loaded against that definition (value type, context), and checks every code
 * bound with strength `required`, which that validator only collects. Throws a 400 whose
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
    this.extensions = new Map([...profiles].filter(([, profile]) => profile.type === 'Extension'));
  }

  private readonly profileUrls: ReadonlySet<string>;
  /** Extension definitions by URL; the medplum validator does not look extensions up by URL. */
  private readonly extensions: ReadonlyMap<string, StructureDefinition>;
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
    const tokens: Record<string, TypedValueWithPath[]> = {};
    const issues = schemaIssues(type, resource, tokens);
    const uses = extensionUses(resource);
    for (const use of uses) {
      issues.push(...this.extensionIssues(use, tokens));
    }
    issues.push(...this.repeatedExtensionIssues(uses));
    issues.push(...this.bindingIssues(tokens));
    if (issues.length > 0) {
      throw invalidResource(dedupe(issues));
    }
    this.passed.set(resource, type);
  }

  /** An extension whose definition allows one per element (root `max` 1) given twice there. */
  private repeatedExtensionIssues(uses: readonly ExtensionUse[]): OperationOutcomeIssue[] {
    const seen = new Set<string>();
    const issues: OperationOutcomeIssue[] = [];
    for (const use of uses) {
      const definition = use.extension.url ? this.extensions.get(use.extension.url) : undefined;
      const key = `${use.holder}|${use.extension.url}`;
      if (definition?.snapshot?.element?.[0]?.max === '1' && seen.has(key)) {
        issues.push({
          severity: 'error',
          code: 'structure',
          details: { text: `Extension ${definition.url} may appear only once on ${use.element}` },
          expression: [use.path],
        });
      }
      seen.add(key);
    }
    return issues;
  }

  /** An extension PeerBridge defines, checked against its definition, with paths into the resource. */
  private extensionIssues(
    use: ExtensionUse,
    tokens: Record<string, TypedValueWithPath[]>,
  ): OperationOutcomeIssue[] {
    const definition = use.extension.url ? this.extensions.get(use.extension.url) : undefined;
    if (!definition) {
      return [];
    }
    if (!allowsContext(definition, use.element)) {
      return [
        {
          severity: 'error',
          code: 'structure',
          details: { text: `Extension ${definition.url} is not allowed on ${use.element}` },
          expression: [use.path],
        },
      ];
    }
    // The definition's paths start at `Extension`; the client needs them in its resource.
    const inResource = (path: string) => use.path + path.slice('Extension'.length);
    const local: Record<string, TypedValueWithPath[]> = {};
    const issues = schemaIssues(definition.url, use.extension, local);
    for (const [valueSet, values] of Object.entries(local)) {
      const moved = values.map((value) => ({ ...value, path: inResource(value.path) }));
      tokens[valueSet] = [...(tokens[valueSet] ?? []), ...moved];
    }
    return issues.map((issue) => ({ ...issue, expression: issue.expression?.map(inResource) }));
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

/** Structure, cardinality, type and invariant errors (warnings dropped); required-bound codes go to `tokens`. */
function schemaIssues(
  type: string,
  value: unknown,
  tokens: Record<string, TypedValueWithPath[]>,
): OperationOutcomeIssue[] {
  try {
    validateTypedValue({ type, value }, { collect: { tokens } });
    return [];
  } catch (error) {
    if (!(error instanceof MedplumOutcomeError)) {
      throw error;
    }
    return (error.outcome.issue ?? []).filter((issue) => issue.severity !== 'warning');
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
