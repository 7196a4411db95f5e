import { describe, expect, it } from '@jest/globals';
import { normalizeReference } from './reference.js';

const BASE = 'https://peerbridge.example';

describe('normalizeReference', () => {
  it.each([
    ['Patient/123', 'Patient/123'],
    ['Patient/123/_history/4', 'Patient/123'],
    [`${BASE}/fhir/Patient/123`, 'Patient/123'],
    ['https://ehr.example/fhir/Patient/9', 'https://ehr.example/fhir/Patient/9'],
    ['Patient/123/extra', 'Patient/123/extra'],
    ['Patient/123/_history/4/extra', 'Patient/123/_history/4/extra'],
    ['xPatient/123', 'xPatient/123'],
    ['P/123', 'P/123'],
    ['patient/123', 'patient/123'],
    [`Patient/${'a'.repeat(64)}`, `Patient/${'a'.repeat(64)}`],
    [`Patient/${'a'.repeat(65)}`, `Patient/${'a'.repeat(65)}`],
    [`Patient/1/_history/${'2'.repeat(64)}`, 'Patient/1'],
    [`Patient/1/_history/${'2'.repeat(65)}`, `Patient/1/_history/${'2'.repeat(65)}`],
    ['Patient/1 2', 'Patient/1 2'],
    [`${BASE}/fhirx/Patient/1`, `${BASE}/fhirx/Patient/1`],
    [`${BASE}/fhir/Patient/1/x`, `${BASE}/fhir/Patient/1/x`],
    [`x${BASE}/fhir/Patient/1`, `x${BASE}/fhir/Patient/1`],
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
