/**
 * The code systems, codes and canonical URLs the care-team service writes. Each comes from its
 * source (docs/terminology.md, "Peer supporters and care teams", names them); nothing here is
 * invented in a standard system. PeerBridge's own are published in fhir-profiles/care-team/.
 */

import { PROGRAM_COORDINATOR as PROGRAM_COORDINATOR_ROLE } from '@peerbridge/shared';

/** Base of every canonical URL PeerBridge publishes (the same as the referral service's). */
export const PEERBRIDGE_FHIR_BASE = 'https://peerbridge.org/fhir';

/** PeerBridge CodeSystem (fhir-profiles/care-team/CodeSystem-lived-experience.json): no standard names these. */
export const LIVED_EXPERIENCE_SYSTEM = `${PEERBRIDGE_FHIR_BASE}/CodeSystem/lived-experience`;
/** Every code of LIVED_EXPERIENCE_SYSTEM, in the CodeSystem's order. */
export const LIVED_EXPERIENCE_CODES = [
  'depression',
  'anxiety',
  'psychosis',
  'bipolar',
  'substance-use-recovery',
  'trauma',
  'bereavement',
  'eating-disorder',
  'self-harm-recovery',
  'veteran',
  'lgbtq',
  'young-adult',
  'parent-carer',
] as const;

/**
 * PeerBridge CodeSystem (fhir-profiles/care-team/CodeSystem-peer-certification.json) for
 * Practitioner.qualification.code: R4's suggested qualification codes (v2 table 0360) name no
 * peer certification. Requirements per docs/terminology.md.
 */
export const CERTIFICATION_SYSTEM = `${PEERBRIDGE_FHIR_BASE}/CodeSystem/peer-certification`;
/** Every code of CERTIFICATION_SYSTEM: a state CPS, MHA's NCPS, NAADAC's NCPRSS. */
export const CERTIFICATION_CODES = ['state-cps', 'ncps', 'ncprss'] as const;

/**
 * PeerBridge CodeSystem peer-training (fhir-profiles/care-team/CodeSystem-peer-training.json):
 * the Practitioner.qualification.code of a completed training (course title in code.text).
 */
export const TRAINING_QUALIFICATION = {
  system: `${PEERBRIDGE_FHIR_BASE}/CodeSystem/peer-training`,
  code: 'training',
  display: 'Peer support training completed',
} as const;

/** NUCC Health Care Provider Taxonomy (the system URL US Core uses). */
export const NUCC_SYSTEM = 'http://nucc.org/provider-taxonomy';
/** NUCC 175T00000X "Peer Specialist": a peer supporter's PractitionerRole.code; no SNOMED CT equivalent. */
export const PEER_SPECIALIST = {
  system: NUCC_SYSTEM,
  code: '175T00000X',
  display: 'Peer Specialist',
} as const;

/**
 * A coordinator's PractitionerRole.code, PeerBridge CodeSystem care-team-role
 * (fhir-profiles/care-team/CodeSystem-care-team-role.json), as every service reads it (the shared
 * roster contract), with its display.
 */
export const PROGRAM_COORDINATOR = {
  ...PROGRAM_COORDINATOR_ROLE,
  display: 'Peer support program coordinator',
} as const;

const SNOMED = 'http://snomed.info/sct';

/**
 * CareTeam.participant.role of each member. US Core 7 binds it extensibly to Care Team Member
 * Function (VSAC 2.16.840.1.113762.1.4.1099.30, SNOMED CT occupations and persons): its codes are
 * used where one fits (patient, coordinator); elsewhere another standard code (HL7 Da Vinci
 * HRex's NUCC to Care Team Member Function map leaves 175T00000X unmapped, and no member of the
 * value set names a referrer).
 */
export const CARE_TEAM_ROLE = {
  /** SNOMED CT 116154003, in Care Team Member Function; the code US Core's CareTeam example uses. */
  patient: { system: SNOMED, code: '116154003', display: 'Patient (person)' },
  /** HL7 v3 ParticipationType REF "referrer": "A person having referred the subject of the service to the performer". */
  referringClinician: {
    system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
    code: 'REF',
    display: 'referrer',
  },
  /** NUCC 175T00000X, as on the peer supporter's PractitionerRole.code (not in Care Team Member Function). */
  peerSupporter: PEER_SPECIALIST,
  /** SNOMED CT 768821004, in Care Team Member Function: the coordinator coordinates this team. */
  coordinator: { system: SNOMED, code: '768821004', display: 'Care team coordinator (occupation)' },
} as const;

/**
 * CareTeam.category: LOINC LA27977-0 from R4's care-team-category value set. An episode of care
 * has "a defined time period or self-limiting process": a peer support care team serves one
 * referral and ends with it, whereas LA28865-6 (longitudinal care coordination) is for overall
 * coordination across the continuum of care.
 */
export const CARE_TEAM_CATEGORY = {
  system: 'http://loinc.org',
  code: 'LA27977-0',
  display: 'Episode of care-focused care team',
} as const;

/**
 * Identifier system linking a CareTeam to its referral (value = the referral id), searchable
 * with CareTeam?identifier=…; required by the peerbridge-careteam profile (pb-careteam-1). Its
 * consumers read it from the shared referral contract.
 */
export { REFERRAL_IDENTIFIER_SYSTEM } from '@peerbridge/shared';

/**
 * Identifier system of a roster member's Practitioner (value = their roster id): a business
 * identifier that survives copying the Practitioner to another server (the EHR write-back), which
 * a resource id does not; searchable with Practitioner?identifier=….
 */
export const ROSTER_IDENTIFIER_SYSTEM = `${PEERBRIDGE_FHIR_BASE}/sid/peer-supporter`;

/** Extension on PractitionerRole (valueCodeableConcept from LIVED_EXPERIENCE_SYSTEM, 0..*). */
export const LIVED_EXPERIENCE_EXTENSION = `${PEERBRIDGE_FHIR_BASE}/StructureDefinition/peer-supporter-lived-experience`;
/** Extension on PractitionerRole (valueUnsignedInt: most active care teams at once, 0..1). */
export const CASELOAD_CAPACITY_EXTENSION = `${PEERBRIDGE_FHIR_BASE}/StructureDefinition/peer-supporter-caseload-capacity`;
/** Extension on Practitioner.qualification (valueDecimal ≥ 0: hours of a training). */
export const TRAINING_HOURS_EXTENSION = `${PEERBRIDGE_FHIR_BASE}/StructureDefinition/qualification-training-hours`;

/** Profile of every Practitioner the service writes (fhir-profiles/care-team/, on base R4). */
export const PRACTITIONER_PROFILE = `${PEERBRIDGE_FHIR_BASE}/StructureDefinition/peerbridge-practitioner`;
/** Profile of every PractitionerRole the service writes (fhir-profiles/care-team/, on base R4). */
export const PRACTITIONER_ROLE_PROFILE = `${PEERBRIDGE_FHIR_BASE}/StructureDefinition/peerbridge-practitionerrole`;
/** Profile of every CareTeam the service writes: US Core 7 CareTeam's rules mirrored on base R4. */
export const CARE_TEAM_PROFILE = `${PEERBRIDGE_FHIR_BASE}/StructureDefinition/peerbridge-careteam`;

/** BCP-47 language tags (IETF), the system of Practitioner.communication codings. */
export const LANGUAGE_SYSTEM = 'urn:ietf:bcp:47';
