import type { ServiceRequest } from '@medplum/fhirtypes';
import { consentReferenceOf } from '@peerbridge/shared';
import type { ReferralConsentView } from '../store/referral-consent-view.js';

/** A referral's consent, as the referral service's events carry it (consentReferenceOf). */
export function consentOfReferral(request: ServiceRequest): ReferralConsentView {
  return {
    referralId: request.id!,
    patient: request.subject.reference!,
    consentReference: consentReferenceOf(request),
  };
}
