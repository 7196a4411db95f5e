import { describe, expect, it } from '@jest/globals';
import { normalizeReference } from './reference.js';

const BASE = 'https://peerbridge.example';

describe('normalizeReference', () => {
  it.each([
    ['Patient/123', 'Patient/123'],
    ['Patient/123/_history/4', 'Patient/123'],
    [`${BASE}/fhir/Patient/123`, 'Patient/123'],
    ['https://ehr.example/fhir/Patient/9', 'https://ehr.example/fhir/Patient/9'],
  ])('when %s is indexed, then it is stored as %s', (reference, expected) => {
    expect(normalizeReference(reference, BASE)).toBe(expected);
  });

  it.each(['', '#contained', undefined, 42])(
    'when the reference is %p, then nothing is indexed',
    (reference) => {
      expect(normalizeReference(reference, BASE)).toBeUndefined();
    },
  );
});
