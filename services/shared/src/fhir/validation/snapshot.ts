import type {
  ElementDefinition,
  ElementDefinitionBinding,
  ElementDefinitionType,
  StructureDefinition,
} from '@medplum/fhirtypes';
import { r4StructureDefinition } from '../r4/r4-definitions.js';

/** Binding strengths, strongest first. */
const STRENGTHS = ['required', 'extensible', 'preferred', 'example'];

/** What a PeerBridge profile's differential may change on a base element. */
const CONSTRAINABLE = ['short', 'definition', 'comment', 'min', 'max', 'mustSupport', 'binding'] as const;

/** The FHIR type a snapshot names with a FHIRPath system type (e.g. Extension.url is a `uri`). */
const FHIR_TYPE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type';

/**
 * Gives a PeerBridge profile or extension definition its snapshot: the base resource's or data
 * type's snapshot with the differential's tightened cardinalities, must-support flags, bindings,
 * narrowed types, fixed and pattern values and added constraints applied. Our definitions are
 * authored as differentials only (the FHIR IG publisher and SUSHI, which would generate
 * snapshots, are not available from npm); slicing is refused rather than half-supported, and a
 * differential may only narrow what the base allows (ElementDefinition rules for a constraint:
 * a type list may keep a subset of the base's types, never add or replace one). Because of that,
 * a resource valid against the snapshot is valid against the base too.
 */
export function withSnapshot(profile: StructureDefinition): StructureDefinition {
  if (profile.snapshot?.element?.length) {
    return profile;
  }
  const base = baseDefinition(profile.baseDefinition);
  const elements: ElementDefinition[] = structuredClone(base.snapshot?.element ?? []);
  for (const diff of profile.differential?.element ?? []) {
    const element = elements.find((candidate) => candidate.path === diff.path);
    if (!element || diff.sliceName || diff.slicing) {
      throw new Error(`${profile.url}: unsupported differential element ${diff.id ?? diff.path}`);
    }
    if (diff.type) {
      element.type = narrowedTypes(profile.url, element, diff.type);
    }
    Object.assign(element, fixedAndPatternValues(profile.url, element, diff));
    if ((diff.min ?? element.min ?? 0) < (element.min ?? 0) || widens(element.max, diff.max)) {
      throw new Error(`${profile.url}: ${diff.path} may not widen the base cardinality`);
    }
    if (diff.binding && loosens(element.binding, diff.binding)) {
      throw new Error(`${profile.url}: ${diff.path} may not loosen the base binding`);
    }
    for (const key of CONSTRAINABLE) {
      if (diff[key] !== undefined) {
        Object.assign(element, { [key]: diff[key] });
      }
    }
    if (diff.constraint) {
      element.constraint = [...(element.constraint ?? []), ...diff.constraint];
    }
  }
  return { ...profile, snapshot: { element: elements } };
}

/**
 * The base element's types that the differential keeps, in its order: each must be one of the
 * base's types (a Reference may narrow its target profiles to some of the base's, never add
 * one). Anything else on a type (profiles, aggregation) is not supported.
 */
function narrowedTypes(
  url: string | undefined,
  element: ElementDefinition,
  types: readonly ElementDefinitionType[],
): ElementDefinitionType[] {
  return types.map((type) => {
    const base = element.type?.find((candidate) => candidate.code === type.code);
    if (!base) {
      throw new Error(`${url}: ${element.path} may only narrow the base types, not add ${type.code}`);
    }
    const { code: _code, targetProfile, ...unsupported } = type;
    if (Object.keys(unsupported).length > 0) {
      throw new Error(`${url}: ${element.path} type ${type.code} may narrow target profiles only`);
    }
    if (!targetProfile) {
      return base;
    }
    const allowed = base.targetProfile;
    if (allowed && targetProfile.some((profile) => !allowed.includes(profile))) {
      throw new Error(`${url}: ${element.path} may only narrow the base target profiles`);
    }
    return { ...base, targetProfile };
  });
}

/**
 * `fixed[x]` and `pattern[x]` of the differential, whose type must be one of the element's
 * (after narrowing); a value the base already fixes may not be replaced.
 */
function fixedAndPatternValues(
  url: string | undefined,
  element: ElementDefinition,
  diff: ElementDefinition,
): Partial<ElementDefinition> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(diff)) {
    const match = /^(fixed|pattern)([A-Z].*)$/.exec(key);
    if (!match || value === undefined) {
      continue;
    }
    // fixedUri fixes a `uri`, patternCodeableConcept a `CodeableConcept`.
    const type = match[2]!.toLowerCase();
    if (!(element.type ?? []).some((candidate) => fhirTypeOf(candidate).toLowerCase() === type)) {
      throw new Error(`${url}: ${element.path} ${key} is not of one of the element's types`);
    }
    const existing = Object.keys(element).find((name) => /^(fixed|pattern)[A-Z]/.test(name));
    if (
      existing &&
      (existing !== key ||
        JSON.stringify(element[existing as keyof ElementDefinition]) !== JSON.stringify(value))
    ) {
      throw new Error(`${url}: ${element.path} may not replace the base's ${existing}`);
    }
    values[key] = value;
  }
  return values;
}

function fhirTypeOf(type: ElementDefinitionType): string {
  const declared = type.extension?.find((extension) => extension.url === FHIR_TYPE_EXTENSION);
  return declared?.valueUrl ?? declared?.valueUri ?? type.code;
}

function widens(baseMax: string | undefined, max: string | undefined): boolean {
  if (max === undefined || baseMax === undefined || baseMax === '*') {
    return false;
  }
  return max === '*' || Number(max) > Number(baseMax);
}

/** A weaker strength, or any other value set where the base binding is required. */
function loosens(base: ElementDefinitionBinding | undefined, binding: ElementDefinitionBinding): boolean {
  if (!base) {
    return false;
  }
  if (STRENGTHS.indexOf(binding.strength) > STRENGTHS.indexOf(base.strength)) {
    return true;
  }
  return base.strength === 'required' && binding.valueSet !== base.valueSet;
}

function baseDefinition(url: string | undefined): StructureDefinition {
  // Read when a profile is loaded and not kept: a profile's snapshot is all it needs of it.
  const base = url ? r4StructureDefinition(url) : undefined;
  if (!base) {
    throw new Error(`Unknown base definition ${url}`);
  }
  return base;
}
