/**
 * The code systems and codes sessions are written with (docs/terminology.md, "Sessions").
 * PeerBridge's own are published in fhir-profiles/encounter/.
 */
export const PEERBRIDGE_FHIR_BASE = 'https://peerbridge.org/fhir';
/** HL7 v3 ActCode: Encounter.class (US Core Encounter). */
export const ACT_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const ENCOUNTER_CLASS = {
  ambulatory: { system: ACT_CODE_SYSTEM, code: 'AMB', display: 'ambulatory' },
  virtual: { system: ACT_CODE_SYSTEM, code: 'VR', display: 'virtual' },
  home: { system: ACT_CODE_SYSTEM, code: 'HH', display: 'home health' },
} as const;
export const SESSION_TYPE_SYSTEM = `${PEERBRIDGE_FHIR_BASE}/CodeSystem/session-type`;
export const SESSION_TOPIC_SYSTEM = `${PEERBRIDGE_FHIR_BASE}/CodeSystem/session-topic`;
export const SESSION_TOPIC_EXTENSION = `${PEERBRIDGE_FHIR_BASE}/StructureDefinition/session-topic`;
export const SESSION_NOTE_EXTENSION = `${PEERBRIDGE_FHIR_BASE}/StructureDefinition/session-note`;
/** Profiles every Encounter and Appointment the service writes is validated against. */
export const ENCOUNTER_PROFILE = `${PEERBRIDGE_FHIR_BASE}/StructureDefinition/peerbridge-encounter`;
export const APPOINTMENT_PROFILE = `${PEERBRIDGE_FHIR_BASE}/StructureDefinition/peerbridge-appointment`;
/** Profiles every outcome QuestionnaireResponse and score Observation is validated against. */
export const QUESTIONNAIRE_RESPONSE_PROFILE = `${PEERBRIDGE_FHIR_BASE}/StructureDefinition/peerbridge-questionnaire-response`;
export const OUTCOME_OBSERVATION_PROFILE = `${PEERBRIDGE_FHIR_BASE}/StructureDefinition/peerbridge-outcome-observation`;
/** UCUM minutes, for Encounter.length. */
export const UCUM = 'http://unitsofmeasure.org';

/**
 * What this service reads from the care-team service's events, as that service publishes them
 * (fhir-profiles/care-team/): the peer supporter's NUCC code on a PractitionerRole and on a
 * CareTeam participant, the CareTeam's referral link.
 */
export const PEER_SPECIALIST = { system: 'http://nucc.org/provider-taxonomy', code: '175T00000X' } as const;
/**
 * The CareTeam participant roles of those a safety alert goes to, as the care-team service codes
 * them (fhir-profiles/care-team/CodeSystem-care-team-role.json explains the choice): the referring
 * clinician v3 ParticipationType REF, the coordinator SNOMED CT 768821004.
 */
export const REFERRER = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  code: 'REF',
} as const;
export const CARE_TEAM_COORDINATOR = { system: 'http://snomed.info/sct', code: '768821004' } as const;
/** The program's Organization, as the referral and care-team services name it by default. */
export const PROGRAM_ORGANIZATION = 'Organization/peer-support-program';
