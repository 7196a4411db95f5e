/**
 * The code systems and codes a referral is written with. Each comes from its source (see
 * docs/terminology.md, which names them); nothing here is invented in a standard system.
 */
export const SNOMED = 'http://snomed.info/sct';
export const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';
export const TASK_CODE_SYSTEM = 'http://hl7.org/fhir/CodeSystem/task-code';
export const IDENTIFIER_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v2-0203';
/** BSeR TaskBusinessStatusCS (canonical URL from the BSeR implementation guide). */
export const BSER_BUSINESS_STATUS_SYSTEM = 'http://hl7.org/fhir/us/bser/CodeSystem/TaskBusinessStatusCS';
/** SDOH Clinical Care temporary codes, home of `contacting-subject-prohibited`. */
export const SDOHCC_TEMPORARY_CODES =
  'http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes';
export const CONTACT_POINT_SYSTEM = 'http://hl7.org/fhir/contact-point-system';

/** SNOMED CT 461481000124109 "Referral to peer support (procedure)" (US extension). */
export const PEER_SUPPORT_REFERRAL = {
  system: SNOMED,
  code: '461481000124109',
  display: 'Referral to peer support (procedure)',
} as const;

export const FULFILL = {
  system: TASK_CODE_SYSTEM,
  code: 'fulfill',
  display: 'Fulfill the focal request',
} as const;
export const PLACER_IDENTIFIER_TYPE = {
  system: IDENTIFIER_TYPE_SYSTEM,
  code: 'PLAC',
  display: 'Placer Identifier',
} as const;
export const CONTACTING_SUBJECT_PROHIBITED = {
  system: SDOHCC_TEMPORARY_CODES,
  code: 'contacting-subject-prohibited',
  display: 'Contacting Subject Prohibited',
} as const;

/**
 * PeerBridge's own definitions, for what no standard names: the referral category and the
 * patient's contact preferences on the ServiceRequest, published in fhir-profiles/referral/.
 * (No standard ServiceRequest.category code for peer support exists in the systems
 * docs/terminology.md lists.)
 */
export const PEERBRIDGE_FHIR_BASE = 'https://peerbridge.org/fhir';
export const PEERBRIDGE_REFERRAL_CATEGORY = {
  system: `${PEERBRIDGE_FHIR_BASE}/CodeSystem/referral-category`,
  code: 'peer-support',
  display: 'Peer support',
} as const;
export const PREFERRED_LANGUAGE_EXTENSION = `${PEERBRIDGE_FHIR_BASE}/StructureDefinition/referral-preferred-language`;
export const PREFERRED_CONTACT_METHOD_EXTENSION = `${PEERBRIDGE_FHIR_BASE}/StructureDefinition/referral-preferred-contact-method`;
export const PREFERRED_CONTACT_TIME_EXTENSION = `${PEERBRIDGE_FHIR_BASE}/StructureDefinition/referral-preferred-contact-time`;

/** Reason codes may come from these systems only. */
export const REASON_CODE_SYSTEMS: readonly string[] = [SNOMED, ICD10CM];
