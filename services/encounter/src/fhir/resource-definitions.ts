import { defineResource, type Interaction, type PublishedSearchParameter } from '@peerbridge/shared';
import {
  APPOINTMENT_PROFILE,
  ENCOUNTER_PROFILE,
  OUTCOME_OBSERVATION_PROFILE,
  PEERBRIDGE_FHIR_BASE,
  QUESTIONNAIRE_RESPONSE_PROFILE,
} from './codes.js';
import { COMMUNICATION_PROFILE, FLAG_PROFILE } from './safety-codes.js';

/**
 * Sessions change only through the encounter API (plan, log, cancel, no-show), so the FHIR
 * surface reads them: writes answer 405 and the CapabilityStatement lists none.
 */
const READ_ONLY: readonly Interaction[] = ['read', 'vread', 'history-instance', 'search-type'];

/** US Core 7 Encounter searches (_id, patient, date+patient) and more. */
export const ENCOUNTER = defineResource({
  type: 'Encounter',
  profile: ENCOUNTER_PROFILE,
  interactions: READ_ONLY,
  searchParameters: [
    'patient',
    'subject',
    'date',
    'status',
    'class',
    'type',
    'participant',
    'based-on',
    'part-of',
    'appointment',
  ],
});

export const APPOINTMENT = defineResource({
  type: 'Appointment',
  profile: APPOINTMENT_PROFILE,
  interactions: READ_ONLY,
  searchParameters: ['patient', 'actor', 'date', 'status', 'practitioner', 'based-on', 'service-type'],
});

/**
 * The instruments PeerBridge scores (fhir-profiles/encounter/Questionnaire-*.json), served as
 * published: read and search only (seeded at start-up, see workflow/questionnaire-seed.ts).
 */
export const QUESTIONNAIRE = defineResource({
  type: 'Questionnaire',
  interactions: READ_ONLY,
  searchParameters: ['url', 'name', 'code', 'status', 'version', 'title'],
});

/**
 * Completed outcome questionnaires. A FHIR create is scored like `recordOutcome`; they are never
 * changed afterwards.
 */
export const QUESTIONNAIRE_RESPONSE = defineResource({
  type: 'QuestionnaireResponse',
  profile: QUESTIONNAIRE_RESPONSE_PROFILE,
  interactions: [...READ_ONLY, 'create'],
  searchParameters: [
    'patient',
    'subject',
    'questionnaire',
    'authored',
    'encounter',
    'status',
    'based-on',
    'author',
  ],
});

/** Scores derived from QuestionnaireResponses (US Core Screening Assessment searches and more). */
export const OBSERVATION = defineResource({
  type: 'Observation',
  profile: OUTCOME_OBSERVATION_PROFILE,
  interactions: READ_ONLY,
  searchParameters: [
    'patient',
    'subject',
    'category',
    'code',
    'date',
    'status',
    'derived-from',
    'encounter',
    'based-on',
  ],
  includes: ['derived-from'],
});

/**
 * R4 has no Flag search by status or category; PeerBridge publishes both
 * (fhir-profiles/encounter/SearchParameter-flag-*.json, code, type and expression as there), so
 * that `Flag?patient=…&status=active&category=…|safety` finds a patient's open safety flags.
 */
const flagToken = (code: string, element: string, description: string): PublishedSearchParameter => ({
  code,
  type: 'token',
  expression: `Flag.${element}`,
  url: `${PEERBRIDGE_FHIR_BASE}/SearchParameter/flag-${code}`,
  description,
});
const FLAG_STATUS = flagToken(
  'status',
  'status',
  'Flags with this status (active | inactive | entered-in-error).',
);
const FLAG_CATEGORY = flagToken(
  'category',
  'category',
  'Flags with this category, e.g. http://terminology.hl7.org/CodeSystem/flag-category|safety.',
);

/** Safety flags: raised, acknowledged and resolved through the encounter API only. */
export const FLAG = defineResource({
  type: 'Flag',
  profile: FLAG_PROFILE,
  interactions: READ_ONLY,
  searchParameters: ['patient', 'subject', 'date', 'encounter', 'author'],
  publishedSearchParameters: [FLAG_STATUS, FLAG_CATEGORY],
});

/** The alert that tells the care team about a safety flag, and the notifications that follow it. */
export const COMMUNICATION = defineResource({
  type: 'Communication',
  profile: COMMUNICATION_PROFILE,
  interactions: READ_ONLY,
  searchParameters: ['patient', 'subject', 'recipient', 'status', 'category', 'sent', 'encounter'],
});

export const ENCOUNTER_RESOURCES = [
  ENCOUNTER,
  APPOINTMENT,
  QUESTIONNAIRE,
  QUESTIONNAIRE_RESPONSE,
  OBSERVATION,
  FLAG,
  COMMUNICATION,
] as const;
