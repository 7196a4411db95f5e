/**
 * The referral's extensions this service reads from the referral service's events, as that
 * service publishes them (fhir-profiles/referral/): the published contract, not its code, which
 * this service never imports.
 */
export const PREFERRED_LANGUAGE_EXTENSION =
  'https://peerbridge.org/fhir/StructureDefinition/referral-preferred-language';
export const PREFERRED_CONTACT_TIME_EXTENSION =
  'https://peerbridge.org/fhir/StructureDefinition/referral-preferred-contact-time';
