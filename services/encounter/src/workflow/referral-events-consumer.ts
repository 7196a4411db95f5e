import type { ServiceRequest } from '@medplum/fhirtypes';
import type { EventConsumer } from '@peerbridge/shared';
import { consentOfReferral } from '../fhir/referral-consent.js';
import { saveReferralConsent } from '../store/referral-consent-view.js';

/**
 * Keeps whether each referral records consent to share session information with the care team,
 * from the ServiceRequest the referral service's events carry (never its tables). An event
 * without a ServiceRequest (a Task change) says nothing about consent; a ServiceRequest is
 * applied only when newer than the one applied before, so a stale event changes nothing.
 */
export const referralEventsConsumer: EventConsumer = {
  name: 'referral-consent',
  eventTypes: ['referral.created', 'referral.status-changed', 'referral.updated'],
  async handle(tx, event, delivery) {
    const requests = (event.resources ?? []).filter(
      (r): r is ServiceRequest => r.resourceType === 'ServiceRequest',
    );
    for (const request of requests) {
      const fresh = await delivery.isNewer({
        reference: `ServiceRequest/${request.id}`,
        versionId: request.meta!.versionId!,
      });
      if (fresh) {
        await saveReferralConsent(tx, consentOfReferral(request));
      }
    }
  },
};
