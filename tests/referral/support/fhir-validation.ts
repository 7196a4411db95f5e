import { expect } from '@jest/globals';
import type { Resource } from '@medplum/fhirtypes';
import { createValidator } from '@peerbridge/shared';
import { CARE_TEAM_RESOURCES } from '../../../services/care-team/src/fhir/resource-definitions.js';
import { REFERRAL_RESOURCES } from '../../../services/referral/src/fhir/resource-definitions.js';
import { ENCOUNTER_RESOURCES } from '../../../services/encounter/src/fhir/resource-definitions.js';

const validator = createValidator();
const profiles = new Map(
  [...REFERRAL_RESOURCES, ...CARE_TEAM_RESOURCES, ...ENCOUNTER_RESOURCES].map((definition) => [
    definition.type as string,
    definition.profile,
  ]),
);

/** The resource is valid base R4 (structure, invariants, required bindings) and meets its PeerBridge profile. */
export function expectValidFhir(resource: Resource): void {
  expect(() => validator.validate(resource, profiles.get(resource.resourceType))).not.toThrow();
}
