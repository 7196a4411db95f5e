import type { ServiceRequest } from '@medplum/fhirtypes';
import type { ReferralConsentView } from '../store/referral-consent-view.js';

/**
 * A referral's consent as the referral service writes it: consent to share session information
 * with the care team is a `supportingInfo` reference to the Consent that records it; no such
 * reference means no consent.
 */
export function consentOfReferral(request: ServiceRequest): ReferralConsentView {
  const consent = request.supportingInfo?.find((info) => /(^|\/)Consent\/[^/]+$/.test(info.reference ?? ''));
  return {
    referralId: request.id!,
    patient: request.subject.reference!,
    consentReference: consent?.reference,
  };
}
