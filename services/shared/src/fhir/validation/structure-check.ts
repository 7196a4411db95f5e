import { isPrimitiveType, type InternalSchemaElement } from '@medplum/core';
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import { r4TypeSchema } from '../r4/r4-definitions.js';

/** Deeper than any resource PeerBridge accepts needs (extensions within extensions included). */
const MAX_DEPTH = 64;

/**
 * The shape of a resource checked against the R4 type definitions before anything else reads it:
 * every element is one the type defines (looked up as an own property, so names such as
 * `toString`, `constructor` or `__proto__` are unknown elements like any other), an element that
 * repeats is a JSON array and one that does not is not, a complex element is an object, a
 * primitive is a JSON primitive and its `_element` an object. @medplum/core's validator lets an
 * object stand where an array belongs and finds prototype members by name, and mappers and the
 * search indexer would then crash on what it let through.
 */
export function structureIssues(resource: Record<string, unknown>): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [];
  const type = resource.resourceType;
  if (typeof type === 'string') {
    checkComplex(resource, type, type, 0, issues);
  }
  return issues;
}

function checkComplex(
  value: Record<string, unknown>,
  type: string,
  path: string,
  depth: number,
  issues: OperationOutcomeIssue[],
): void {
  if (depth > MAX_DEPTH) {
    issues.push(issue(path, `Nested more than ${MAX_DEPTH} levels deep`));
    return;
  }
  // A resource type not used before (a contained one) is loaded here, before the validator needs it.
  const schema = r4TypeSchema(type);
  if (!schema) {
    issues.push(issue(path, `Unknown type "${type}"`));
    return;
  }
  const elements = schema.elements;
  for (const [key, child] of Object.entries(value)) {
    if (key === 'resourceType' && child === type) {
      continue;
    }
    const childPath = `${path}.${key}`;
    const extensionOf = key.startsWith('_') ? key.slice(1) : undefined;
    const found = elementNamed(elements, extensionOf ?? key);
    if (!found || (extensionOf !== undefined && !isPrimitive(found.type))) {
      issues.push(issue(childPath, `Unknown element "${key}"`));
      continue;
    }
    const items = itemsOf(child, found.element, childPath, issues);
    items.forEach((item, index) => {
      const itemPath = found.element.isArray ? `${childPath}[${index}]` : childPath;
      if (extensionOf !== undefined) {
        // The id and extensions of a primitive: an object, or null where the array has no value.
        if (item !== null) checkObject(item, 'Element', itemPath, depth, issues);
      } else if (isPrimitive(found.type)) {
        if (item === null || typeof item === 'object') {
          issues.push(issue(itemPath, 'Must be a string, number or boolean'));
        }
      } else {
        const itemType =
          found.type === 'Resource' ? String((item as { resourceType?: unknown })?.resourceType) : found.type;
        checkObject(item, itemType, itemPath, depth, issues);
      }
    });
  }
}

function checkObject(
  item: unknown,
  type: string,
  path: string,
  depth: number,
  issues: OperationOutcomeIssue[],
) {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    issues.push(issue(path, 'Must be an object'));
    return;
  }
  checkComplex(item as Record<string, unknown>, type, path, depth + 1, issues);
}

/** The value as the list of its items: an array where the element repeats, else itself alone. */
function itemsOf(
  value: unknown,
  element: InternalSchemaElement,
  path: string,
  issues: OperationOutcomeIssue[],
): unknown[] {
  if (element.isArray) {
    if (!Array.isArray(value)) {
      issues.push(issue(path, 'Must be an array: this element repeats'));
      return [];
    }
    return value;
  }
  if (Array.isArray(value)) {
    issues.push(issue(path, 'Must not be an array: this element occurs at most once'));
    return [];
  }
  return [value];
}

type NamedElement = { element: InternalSchemaElement; type: string } | undefined;

/** Choice-type names already resolved, per type's elements: resolving one walks every element. */
const resolvedChoices = new WeakMap<Record<string, InternalSchemaElement>, Map<string, NamedElement>>();

/** The element a JSON property names, resolving choice types: `valueString` is `value[x]` as string. */
function elementNamed(elements: Record<string, InternalSchemaElement>, name: string): NamedElement {
  if (Object.hasOwn(elements, name)) {
    const element = elements[name]!;
    return { element, type: element.type[0]!.code };
  }
  let resolved = resolvedChoices.get(elements);
  if (!resolved) {
    resolved = new Map();
    resolvedChoices.set(elements, resolved);
  }
  // Only names that resolve are kept, so that arbitrary unknown names sent by a client cannot grow
  // the map.
  if (resolved.has(name)) {
    return resolved.get(name);
  }
  const found = choiceNamed(elements, name);
  if (found) {
    resolved.set(name, found);
  }
  return found;
}

function choiceNamed(elements: Record<string, InternalSchemaElement>, name: string): NamedElement {
  for (const [choice, element] of Object.entries(elements)) {
    if (!choice.endsWith('[x]') || !name.startsWith(choice.slice(0, -3))) {
      continue;
    }
    const suffix = name.slice(choice.length - 3);
    const type = element.type.find((candidate) => capitalize(candidate.code) === suffix);
    if (type) {
      return { element, type: type.code };
    }
  }
  return undefined;
}

function isPrimitive(type: string): boolean {
  return isPrimitiveType(type) || type.startsWith('http://hl7.org/fhirpath/System.');
}

function capitalize(code: string): string {
  return code.charAt(0).toUpperCase() + code.slice(1);
}

function issue(expression: string, text: string): OperationOutcomeIssue {
  return { severity: 'error', code: 'structure', details: { text }, expression: [expression] };
}
