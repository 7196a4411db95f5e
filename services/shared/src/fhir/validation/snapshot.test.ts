import { describe, expect, it } from '@jest/globals';
import type { StructureDefinition } from '@medplum/fhirtypes';
import { withSnapshot } from './snapshot.js';

function profile(element: StructureDefinition['differential']): StructureDefinition {
  return {
    resourceType: 'StructureDefinition',
    url: 'https://peerbridge.org/fhir/StructureDefinition/test',
    name: 'Test',
    status: 'draft',
    kind: 'resource',
    abstract: false,
    type: 'Task',
    baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Task',
    derivation: 'constraint',
    differential: element,
  };
}

describe('withSnapshot', () => {
  it('when the differential tightens a cardinality, then the snapshot carries it and the rest of the base', () => {
    const result = withSnapshot(profile({ element: [{ path: 'Task.focus', min: 1, mustSupport: true }] }));
    const focus = result.snapshot!.element!.find((e) => e.path === 'Task.focus');
    expect(focus).toMatchObject({ min: 1, max: '1', mustSupport: true });
    expect(result.snapshot!.element!.some((e) => e.path === 'Task.owner')).toBe(true);
  });

  it('when the differential widens a cardinality, then the profile is refused', () => {
    expect(() => withSnapshot(profile({ element: [{ path: 'Task.focus', max: '*' }] }))).toThrow(/widen/);
  });

  it('when the differential slices or names an unknown path, then the profile is refused', () => {
    expect(() => withSnapshot(profile({ element: [{ path: 'Task.input', sliceName: 'a' }] }))).toThrow(
      /unsupported/,
    );
    expect(() => withSnapshot(profile({ element: [{ path: 'Task.nothing' }] }))).toThrow(/unsupported/);
  });

  it('when the differential narrows an extensible binding to required, then the snapshot carries it', () => {
    const valueSet = 'https://peerbridge.org/fhir/ValueSet/test-codes';
    const result = withSnapshot(
      profile({ element: [{ path: 'Task.code', binding: { strength: 'required', valueSet } }] }),
    );
    expect(result.snapshot!.element!.find((e) => e.path === 'Task.code')?.binding).toEqual({
      strength: 'required',
      valueSet,
    });
  });

  it('when the differential weakens or replaces a required binding, then the profile is refused', () => {
    const status = (binding: { strength: 'required' | 'extensible'; valueSet: string }) => () =>
      withSnapshot(profile({ element: [{ path: 'Task.status', binding }] }));
    expect(
      status({ strength: 'extensible', valueSet: 'http://hl7.org/fhir/ValueSet/task-status|4.0.1' }),
    ).toThrow(/loosen/);
    expect(status({ strength: 'required', valueSet: 'https://peerbridge.org/fhir/ValueSet/any' })).toThrow(
      /loosen/,
    );
  });
});

const EXTENSION_URL = 'https://peerbridge.org/fhir/StructureDefinition/test-extension';

function extension(
  elements: NonNullable<StructureDefinition['differential']>['element'],
): StructureDefinition {
  return {
    resourceType: 'StructureDefinition',
    url: EXTENSION_URL,
    name: 'TestExtension',
    status: 'draft',
    kind: 'complex-type',
    abstract: false,
    context: [{ type: 'element', expression: 'ServiceRequest' }],
    type: 'Extension',
    baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Extension',
    derivation: 'constraint',
    differential: { element: elements },
  };
}

describe('withSnapshot for extension definitions', () => {
  const value = (result: StructureDefinition) =>
    result.snapshot!.element!.find((element) => element.path === 'Extension.value[x]');

  it('when the differential narrows value[x] to one of the base types and fixes the url, then the snapshot carries both', () => {
    const result = withSnapshot(
      extension([
        { path: 'Extension.url', fixedUri: EXTENSION_URL },
        { path: 'Extension.value[x]', min: 1, type: [{ code: 'code' }] },
      ]),
    );
    expect(value(result)).toMatchObject({ min: 1, type: [{ code: 'code' }] });
    expect(result.snapshot!.element!.find((element) => element.path === 'Extension.url')?.fixedUri).toBe(
      EXTENSION_URL,
    );
  });

  it('when the differential keeps a subset of several base types, then the snapshot has exactly those', () => {
    const result = withSnapshot(
      extension([{ path: 'Extension.value[x]', type: [{ code: 'string' }, { code: 'Coding' }] }]),
    );
    expect(value(result)?.type?.map((type) => type.code)).toEqual(['string', 'Coding']);
  });

  it('when a type list names a type the base does not have, then the definition is refused', () => {
    const widened = profile({
      element: [{ path: 'Task.focus', type: [{ code: 'Reference' }, { code: 'string' }] }],
    });
    expect(() => withSnapshot(widened)).toThrow(/may only narrow the base types, not add string/);
    const replaced = profile({ element: [{ path: 'Task.status', type: [{ code: 'string' }] }] });
    expect(() => withSnapshot(replaced)).toThrow(/not add string/);
  });

  it('when a Reference narrows its target profiles, then only a subset of the base targets is accepted', () => {
    const target = (targetProfile: string[]) =>
      withSnapshot(
        profile({ element: [{ path: 'Task.owner', type: [{ code: 'Reference', targetProfile }] }] }),
      );
    const organization = 'http://hl7.org/fhir/StructureDefinition/Organization';
    const owner = target([organization]).snapshot!.element!.find((element) => element.path === 'Task.owner');
    expect(owner?.type).toEqual([{ code: 'Reference', targetProfile: [organization] }]);
    expect(() => target(['http://hl7.org/fhir/StructureDefinition/Observation'])).toThrow(/target profiles/);
  });

  it('when a type adds a profile, or a fixed value is of no type of the element, then the definition is refused', () => {
    const withProfile = extension([
      { path: 'Extension.value[x]', type: [{ code: 'Coding', profile: ['https://example.org/coding'] }] },
    ]);
    expect(() => withSnapshot(withProfile)).toThrow(/may narrow target profiles only/);
    const fixedCode = extension([{ path: 'Extension.value[x]', type: [{ code: 'string' }], fixedCode: 'x' }]);
    expect(() => withSnapshot(fixedCode)).toThrow(/fixedCode is not of one of the element's types/);
  });
});
