import { describe, expect, it } from '@jest/globals';
import { ValueSetRegistry } from './value-set-registry.js';

const registry = ValueSetRegistry.fromR4();

describe('ValueSetRegistry', () => {
  it('when a value set includes a whole code system, then all its codes are members', () => {
    const codes = registry.codes('http://hl7.org/fhir/ValueSet/task-status|4.0.1');
    expect(codes).toBeDefined();
    for (const code of [
      'requested',
      'accepted',
      'rejected',
      'in-progress',
      'on-hold',
      'failed',
      'completed',
    ]) {
      expect(codes!.has(code)).toBe(true);
    }
    expect(codes!.has('pending')).toBe(false);
  });

  it('when asked about a value set it does not know, then it answers undefined rather than guessing', () => {
    expect(registry.codes('http://example.org/ValueSet/unknown')).toBeUndefined();
  });
});
