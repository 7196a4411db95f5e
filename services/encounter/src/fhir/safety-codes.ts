import { PEERBRIDGE_FHIR_BASE } from './codes.js';

/**
 * The codes safety flags are written with. Flag.category: HL7 flag-category `safety` ("Flags
 * related to the subject's safety"); Communication.category: communication-category `alert` for
 * the alert, `notification` for what follows it (acknowledged, resolved). What the concern is has
 * no standard code that fits both a PHQ-9 item 9 answer and a peer supporter's report without
 * asserting a diagnosis, so PeerBridge publishes its own (fhir-profiles/encounter/).
 */
export const FLAG_CATEGORY_SAFETY = {
  system: 'http://terminology.hl7.org/CodeSystem/flag-category',
  code: 'safety',
  display: 'Safety',
} as const;

const COMMUNICATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/communication-category';
export const COMMUNICATION_ALERT = {
  system: COMMUNICATION_CATEGORY,
  code: 'alert',
  display: 'Alert',
} as const;
export const COMMUNICATION_NOTIFICATION = {
  system: COMMUNICATION_CATEGORY,
  code: 'notification',
  display: 'Notification',
} as const;

export const SAFETY_CONCERN_SYSTEM = `${PEERBRIDGE_FHIR_BASE}/CodeSystem/safety-concern`;
export const SAFETY_CONCERN = {
  'phq-9-item-9': {
    system: SAFETY_CONCERN_SYSTEM,
    code: 'phq-9-item-9-positive',
    display: 'Thoughts of death or self-harm reported on PHQ-9 item 9',
  },
  'peer-supporter': {
    system: SAFETY_CONCERN_SYSTEM,
    code: 'staff-concern',
    display: 'Safety concern raised by peer support program staff',
  },
} as const;

export const FLAG_PROFILE = `${PEERBRIDGE_FHIR_BASE}/StructureDefinition/peerbridge-safety-flag`;
export const COMMUNICATION_PROFILE = `${PEERBRIDGE_FHIR_BASE}/StructureDefinition/peerbridge-safety-communication`;
