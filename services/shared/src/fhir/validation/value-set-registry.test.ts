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

  it('when PeerBridge publishes a ValueSet of its own CodeSystem, then the registry built with them knows its codes and R4 still answers', () => {
    const system = 'https://peerbridge.org/fhir/CodeSystem/example';
    const withPublished = ValueSetRegistry.fromR4([
      {
        resourceType: 'CodeSystem',
        url: system,
        status: 'draft',
        content: 'complete',
        concept: [{ code: 'a' }, { code: 'b' }],
      },
      {
        resourceType: 'ValueSet',
        url: 'https://peerbridge.org/fhir/ValueSet/example',
        status: 'draft',
        compose: { include: [{ system }] },
      },
    ]);
    expect([...withPublished.codes('https://peerbridge.org/fhir/ValueSet/example')!].sort()).toEqual([
      'a',
      'b',
      `${system}|a`,
      `${system}|b`,
    ]);
    expect(registry.codes('https://peerbridge.org/fhir/ValueSet/example')).toBeUndefined();
    expect(withPublished.codes('http://hl7.org/fhir/ValueSet/task-status')?.has('accepted')).toBe(true);
  });
});
