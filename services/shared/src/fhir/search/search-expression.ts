import { evalFhirPathTyped, getTypedPropertyValue, parseFhirPath, type TypedValue } from '@medplum/core';

/** The values a search parameter's expression selects from a resource. */
export type SearchExpression = (resource: TypedValue) => TypedValue[];

const MEMBER_PATH = /^[A-Z][A-Za-z]+(?:\.[a-z][A-Za-z]*)+$/;
const TARGET_FILTER = /^(.+)\.where\(resolve\(\) is ([A-Z][A-Za-z]+)\)$/;
// The resource type a reference points at, as FHIRPath's resolve() reads it: `Type/id` (also
// at the end of an absolute URL, and with a version), or a conditional `Type?criteria`.
const TARGET_TYPE =
  /(?:^|\/)([A-Z][A-Za-z]+)(?:\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$|\?)/;

/**
 * Compiles a search parameter's FHIRPath once. Almost every R4 search expression is a member
 * path (`ServiceRequest.subject`) or a member path kept to one target type
 * (`ServiceRequest.subject.where(resolve() is Patient)`). Those are walked with @medplum/core's
 * typed property access, the step its FHIRPath engine takes for each member, so they select the
 * same values at a quarter of the cost of evaluating the expression on every write. Any other
 * expression is evaluated as FHIRPath.
 */
export function compileSearchExpression(expression: string): SearchExpression {
  const filtered = TARGET_FILTER.exec(expression);
  const path = filtered ? filtered[1]! : expression;
  if (!MEMBER_PATH.test(path)) {
    const atom = parseFhirPath(expression);
    return (resource) => evalFhirPathTyped(atom, [resource]);
  }
  const members = path.split('.').slice(1);
  const targetType = filtered?.[2];
  return (resource) => {
    const values = members.reduce(memberValues, [resource]).map(unwrapped);
    return targetType === undefined ? values : values.filter((value) => targetTypeOf(value) === targetType);
  };
}

function memberValues(values: TypedValue[], member: string): TypedValue[] {
  const next: TypedValue[] = [];
  for (const value of values) {
    const found = getTypedPropertyValue(value, member);
    for (const item of Array.isArray(found) ? found : [found]) {
      if (item?.value !== undefined) {
        next.push(item);
      }
    }
  }
  return next;
}

// A primitive with extensions (`status` with `_status`) comes back as a boxed String carrying
// them; FHIRPath's result is the plain value, and so is this.
function unwrapped({ type, value }: TypedValue): TypedValue {
  return { type, value: (value as object).valueOf() };
}

function targetTypeOf({ value }: TypedValue): string | undefined {
  const reference: unknown =
    typeof value === 'string' ? value : (value as { reference?: unknown })?.reference;
  return typeof reference === 'string' ? TARGET_TYPE.exec(reference)?.[1] : undefined;
}
