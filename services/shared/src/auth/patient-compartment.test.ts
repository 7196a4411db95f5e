import { describe, expect, it } from '@jest/globals';
import { patientCompartmentParameters } from './patient-compartment.js';

describe('patientCompartmentParameters', () => {
  // The definition is read once, on the first call: this test makes that call, so it checks
  // every rule of the reading (a type without parameters, the override, a plain type).
  it('when the compartment is first read, then R4 types, types without parameters and the Task override are all there', () => {
    expect([
      patientCompartmentParameters('Practitioner'),
      patientCompartmentParameters('Task'),
      patientCompartmentParameters('Encounter'),
    ]).toEqual([[], ['patient'], ['subject']]);
  });

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
