import { describe, expect, it } from '@jest/globals';
import { patientCompartmentParameters } from './patient-compartment.js';

describe('patientCompartmentParameters', () => {
  it.each([
    ['Observation', ['subject', 'performer']],
    ['CareTeam', ['patient', 'participant']],
    ['Encounter', ['subject']],
    ['Patient', ['link']],
  ])('when %s is asked for, then its R4 compartment parameters are %p', (type, parameters) => {
    expect(patientCompartmentParameters(type)).toEqual(parameters);
  });

  it('when Task is asked for, then only patient puts it in the compartment (PeerBridge override)', () => {
    expect(patientCompartmentParameters('Task')).toEqual(['patient']);
  });

  it.each(['Practitioner', 'NotAType'])(
    'when %s, never in the compartment, is asked for, then there are none',
    (type) => {
      expect(patientCompartmentParameters(type)).toEqual([]);
    },
  );
});
