import { describe, expect, it } from '@jest/globals';
import { isPrimitiveType } from '@medplum/core';
import { r4TypeSchema } from '../r4/r4-definitions.js';
import { structureIssues } from './structure-check.js';

const BASE: Record<string, Record<string, unknown>> = {
  ServiceRequest: {
    resourceType: 'ServiceRequest',
    status: 'active',
    intent: 'order',
    subject: { reference: 'Patient/1' },
  },
  Task: { resourceType: 'Task', status: 'requested', intent: 'order' },
};

const expressions = (resource: Record<string, unknown>) =>
  structureIssues(resource).map((issue) => issue.expression?.[0]);

/** Every repeating element of the type, and of each complex element one level down, with its path. */
function repeatingElements(type: string): [string, string[]][] {
  const found: [string, string[]][] = [];
  for (const [name, element] of Object.entries(r4TypeSchema(type)!.elements)) {
    if (name.endsWith('[x]')) continue;
    if (element.isArray) {
      found.push([`${type}.${name}`, [name]]);
      continue;
    }
    const code = element.type[0]!.code;
    if (isPrimitiveType(code) || code.startsWith('http://') || code === 'Resource') continue;
    for (const [inner, innerElement] of Object.entries(r4TypeSchema(code)!.elements)) {
      if (innerElement.isArray && !inner.endsWith('[x]'))
        found.push([`${type}.${name}.${inner}`, [name, inner]]);
    }
  }
  return found;
}

function withValue(base: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path as [string, ...string[]];
  return { ...base, [head]: rest.length === 0 ? value : withValue({}, rest, value) };
}

describe('structure of a resource', () => {
  for (const type of Object.keys(BASE)) {
    const cases = repeatingElements(type);
    it(`when any repeating element of ${type} (${cases.length} of them) holds an object, then it is refused and named`, () => {
      expect(cases.length).toBeGreaterThan(20);
      for (const [expression, path] of cases) {
        expect([expression, expressions(withValue(BASE[type]!, path, {}))]).toEqual([
          expression,
          [expression],
        ]);
      }
    });
  }

  it.each([
    ['toString', 'x'],
    ['constructor', { prototype: {} }],
    ['hasOwnProperty', true],
    ['valueOf', {}],
    ['__proto__', { polluted: true }],
    ['zz', 1],
  ])(
    'when an element is named %s, at the root or inside subject, then it is an unknown element',
    (name, value) => {
      const inSubject = {
        ...BASE.ServiceRequest,
        subject: JSON.parse(`{"reference":"Patient/1","${name}":${JSON.stringify(value)}}`),
      };
      // JSON.parse is how a body arrives: `__proto__` stays an own key instead of setting the prototype.
      const rootWithKey = JSON.parse(
        `{"resourceType":"ServiceRequest","status":"active","intent":"order","subject":{"reference":"Patient/1"},"${name}":${JSON.stringify(value)}}`,
      );
      expect(expressions(rootWithKey)).toEqual([`ServiceRequest.${name}`]);
      expect(expressions(inSubject)).toEqual([`ServiceRequest.subject.${name}`]);
    },
  );

  it.each([
    ['a repeating element given once', { status: ['active'] }, 'ServiceRequest.status'],
    ['a string given an object', { authoredOn: {} }, 'ServiceRequest.authoredOn'],
    ["a primitive's extension given a number", { _status: -1 }, 'ServiceRequest._status'],
    ['a coding list given a string', { code: { coding: '' } }, 'ServiceRequest.code.coding'],
    ['a choice type with an unknown suffix', { quantityFoo: {} }, 'ServiceRequest.quantityFoo'],
    [
      'a contained resource of no known type',
      { contained: [{ resourceType: 'Nope' }] },
      'ServiceRequest.contained[0]',
    ],
  ])('when %s, then it is refused and named', (_, extra, expression) => {
    expect(expressions({ ...BASE.ServiceRequest, ...extra })).toEqual([expression]);
  });

  it('when elements are well formed (choice types, primitive extensions, nested extensions), then nothing is reported', () => {
    const resource = {
      ...BASE.ServiceRequest,
      quantityQuantity: { value: 1 },
      _status: { extension: [{ url: 'http://example.org/x', valueString: 'a' }] },
      extension: [{ url: 'http://example.org/y', extension: [{ url: 'z', valueBoolean: true }] }],
      code: { coding: [{ system: 'http://snomed.info/sct', code: '1' }] },
    };
    expect(structureIssues(resource)).toEqual([]);
  });

  it('when extensions nest deeper than any resource needs, then it is refused instead of exhausting the stack', () => {
    let extension: Record<string, unknown> = { url: 'http://example.org/leaf', valueString: 'x' };
    for (let i = 0; i < 10_000; i++) extension = { url: 'http://example.org/n', extension: [extension] };
    const issues = structureIssues({ ...BASE.ServiceRequest, extension: [extension] });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.details?.text).toBe('Nested more than 64 levels deep');
  });
});
