import { defineResource, type Interaction, type PublishedSearchParameter } from '@peerbridge/shared';
import { CARE_TEAM_PROFILE, PRACTITIONER_PROFILE, PRACTITIONER_ROLE_PROFILE } from './codes.js';

/**
 * These resources change only through the care-team API (the roster, assignment, and the
 * referral's events), so the FHIR surface reads them: writes answer 405 and the
 * CapabilityStatement lists no write interaction.
 */
const READ_ONLY: readonly Interaction[] = ['read', 'vread', 'history-instance', 'search-type'];

/**
 * US Core 7's `role` on CareTeam: R4 has no search by participant role, US Core publishes one
 * (SearchParameter us-core-careteam-role, code, type and expression as published there).
 */
const US_CORE_CARE_TEAM_ROLE: PublishedSearchParameter = {
  code: 'role',
  type: 'token',
  expression: 'CareTeam.participant.role',
  url: 'http://hl7.org/fhir/us/core/SearchParameter/us-core-careteam-role',
  description: 'Returns CareTeam resources with a participant role matching the specified code.',
};

/** US Core 7 CareTeam searches (patient+status, patient+role) and more. */
export const CARE_TEAM = defineResource({
  type: 'CareTeam',
  profile: CARE_TEAM_PROFILE,
  interactions: READ_ONLY,
  searchParameters: ['patient', 'subject', 'status', 'participant', 'date', 'category', 'identifier'],
  publishedSearchParameters: [US_CORE_CARE_TEAM_ROLE],
  includes: ['participant'],
});

export const PRACTITIONER = defineResource({
  type: 'Practitioner',
  profile: PRACTITIONER_PROFILE,
  interactions: READ_ONLY,
  searchParameters: ['name', 'family', 'given', 'identifier', 'communication', 'active'],
});

export const PRACTITIONER_ROLE = defineResource({
  type: 'PractitionerRole',
  profile: PRACTITIONER_ROLE_PROFILE,
  interactions: READ_ONLY,
  searchParameters: ['role', 'organization', 'practitioner', 'active', 'identifier', 'specialty'],
  includes: ['practitioner'],
});

export const CARE_TEAM_RESOURCES = [CARE_TEAM, PRACTITIONER, PRACTITIONER_ROLE] as const;
