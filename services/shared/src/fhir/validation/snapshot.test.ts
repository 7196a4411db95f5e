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
