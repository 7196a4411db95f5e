import type { Extension, StructureDefinition } from '@medplum/fhirtypes';

/** One extension in a resource: where it is (a FHIRPath with indices) and on which element. */
export interface ExtensionUse {
  readonly extension: Extension;
  /** e.g. `ServiceRequest.extension[1]`. */
  readonly path: string;
  /** The path of the object that holds it, e.g. `ServiceRequest`. */
  readonly holder: string;
  /** The element that holds it, without indices, as an extension context names it: `ServiceRequest`. */
  readonly element: string;
}

/**
 * Every `extension` and `modifierExtension` in a resource, at any depth (also on primitives,
 * `_birthDate.extension`, and inside contained resources and extensions), so each can be checked
 * against its definition.
 */
export function extensionUses(resource: object): ExtensionUse[] {
  const uses: ExtensionUse[] = [];
  visit(resource, rootName(resource), rootName(resource), uses);
  return uses;
}

function visit(value: unknown, path: string, element: string, uses: ExtensionUse[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => visit(item, `${path}[${index}]`, element, uses));
    return;
  }
  if (typeof value !== 'object' || value === null) {
    return;
  }
  const resourceType = (value as { resourceType?: unknown }).resourceType;
  // A contained resource (or a Bundle's) starts its own element paths.
  const here = typeof resourceType === 'string' ? resourceType : element;
  for (const [key, child] of Object.entries(value)) {
    const name = key.startsWith('_') ? key.slice(1) : key;
    if ((key === 'extension' || key === 'modifierExtension') && Array.isArray(child)) {
      child.forEach((extension: unknown, index) => {
        if (typeof extension === 'object' && extension !== null) {
          uses.push({
            extension: extension as Extension,
            path: `${path}.${key}[${index}]`,
            holder: path,
            element: here,
          });
        }
      });
    }
    visit(child, `${path}.${key}`, `${here}.${name}`, uses);
  }
}

function rootName(resource: object): string {
  const resourceType = (resource as { resourceType?: unknown }).resourceType;
  return typeof resourceType === 'string' ? resourceType : 'Resource';
}

/** Whether a definition allows its extension on this element (R4 context of type `element`). */
export function allowsContext(definition: StructureDefinition, element: string): boolean {
  return (definition.context ?? []).some(
    (context) =>
      context.type === 'element' &&
      (context.expression === element ||
        context.expression === 'Element' ||
        (context.expression === 'Resource' && !element.includes('.'))),
  );
}
