import { describe, expect, it } from '@jest/globals';
import { grantableResourceScopes, resourceScopeContext } from './smart-scopes.js';

describe('SMART scopes in the sandbox', () => {
  it.each([
    ['patient/Observation.read', 'patient'],
    ['user/*.write', 'user'],
    ['system/*.*', 'system'],
    ['patient/*.rs', 'patient'],
    ['user/ServiceRequest.cruds', 'user'],
    [
      'patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|survey',
      'patient',
    ],
  ])('when the scope is %s, then it is a %s resource scope', (scope, context) => {
    expect(resourceScopeContext(scope)).toBe(context);
  });

  it.each([
    'launch',
    'openid',
    'patient/*.',
    'patient/*.sr',
    'patient/observation.read',
    'admin/*.read',
    'patient/*.?x=1',
  ])('when the scope is %s, then it is not a resource scope', (scope) => {
    expect(resourceScopeContext(scope)).toBeUndefined();
  });

  it('when a backend service asks, then only system/ scopes are grantable; for an app only patient/ and user/', () => {
    const requested = ['system/*.rs', 'patient/*.rs', 'user/Task.cruds', 'openid', 'system/*.rs'];
    expect(grantableResourceScopes(requested, true)).toEqual(['system/*.rs']);
    expect(grantableResourceScopes(requested, false)).toEqual(['patient/*.rs', 'user/Task.cruds']);
  });
});
