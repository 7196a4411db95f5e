import { describe, expect, it } from '@jest/globals';
import { parseScope, parseScopes, splitScopes } from './scopes.js';

const actions = (raw: string) => [...(parseScope(raw)?.actions ?? [])].join('');

describe('parseScope', () => {
  it.each([
    ['patient/Observation.read', 'rs'],
    ['user/*.write', 'cud'],
    ['system/*.*', 'cruds'],
  ])('when the v1 scope %s is parsed, then it grants %s', (raw, expected) => {
    expect(actions(raw)).toBe(expected);
  });

  it.each([
    ['patient/Observation.rs', 'rs'],
    ['user/ServiceRequest.cruds', 'cruds'],
    ['system/Task.cu', 'cu'],
    ['user/*.d', 'd'],
  ])('when the v2 scope %s is parsed, then it grants %s', (raw, expected) => {
    expect(actions(raw)).toBe(expected);
  });

  it.each([
    'user/Task.sr',
    'user/Task.rr',
    'user/Task.x',
    'user/Task.',
    'clinic/Task.r',
    'user/task.r',
    'user/Task.read?category=x',
    'user/*.read?category=x',
    'xuser/Task.r',
    'user/Task.rx',
    'user/A.r',
    `user/A${'b'.repeat(64)}.r`,
    'user/Task.rs?&',
    'user/Task.cruds?',
    'user/Task1.r',
  ])('when the malformed scope %s is parsed, then it grants nothing', (raw) => {
    expect(parseScope(raw)).toBeUndefined();
  });

  it('when a granular v2 scope is parsed, then its query becomes the restriction', () => {
    const scope = parseScope(
      'patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|survey',
    );
    expect(scope?.context).toBe('patient');
    expect(scope?.resourceType).toBe('Observation');
    expect(scope?.restriction).toEqual([
      ['category', 'http://terminology.hl7.org/CodeSystem/observation-category|survey'],
    ]);
  });

  it.each([
    ['user/Ab.r', 'user', 'Ab'],
    [`system/A${'b'.repeat(63)}.r`, 'system', `A${'b'.repeat(63)}`],
    ['patient/*.r', 'patient', '*'],
  ])('when %s is parsed, then its context is %s and its type %s', (raw, context, resourceType) => {
    expect(parseScope(raw)).toEqual({ raw, context, resourceType, actions: new Set(['r']), restriction: [] });
  });

  it('when a granular scope holds several parameters, then each becomes a pair of the restriction', () => {
    expect(parseScope('user/Task.rs?status=active&code=a|b')?.restriction).toEqual([
      ['status', 'active'],
      ['code', 'a|b'],
    ]);
  });
});

describe('parseScopes', () => {
  it('when a scope claim mixes OpenID, launch and resource scopes, then only the resource scopes remain', () => {
    const scopes = parseScopes(
      'openid fhirUser launch launch/patient offline_access patient/Task.rs user/*.read',
    );
    expect(scopes.map((scope) => scope.raw)).toEqual(['patient/Task.rs', 'user/*.read']);
  });
});

describe('splitScopes', () => {
  it('when scope strings are split, then empty and absent values give nothing', () => {
    expect(splitScopes('a  b', undefined, '', 'c')).toEqual(['a', 'b', 'c']);
  });
});
