import { BSER_BUSINESS_STATUS_SYSTEM } from '../fhir/codes.js';
import type { CodedConcept, ReferralStatus } from './referral.js';

const code = (value: string, display: string): CodedConcept => ({
  system: BSER_BUSINESS_STATUS_SYSTEM,
  code: value,
  display,
});

/** BSeR TaskBusinessStatusCS codes PeerBridge uses (displays as the code system gives them; docs/terminology.md). */
export const BUSINESS_STATUS = {
  created: code('2.0', 'Service Request Created'),
  accepted: code('3.0', 'Service Request Accepted'),
  declined: code('4.0', 'Service Request Declined'),
  eventScheduled: code('5.1.1', 'Service Request Event Scheduled'),
  eventUnattended: code('5.1.2', 'Scheduled Service Request Event Unattended'),
  eventCancelled: code('5.1.3', 'Scheduled Service Request Event Cancelled'),
  eventCompleted: code('5.1.4', 'Service Request Event Completed'),
  fulfillmentCancelled: code('6.0', 'Service Request Fulfillment Cancelled'),
  fulfillmentCompleted: code('7.0', 'Service Request Fulfillment Completed'),
} as const;

/**
 * The businessStatus a status change sets. In progress means the program has engaged the
 * patient and scheduled the first session (5.1.1); on hold keeps whatever stage was reached;
 * failed ends fulfilment without completing it (6.0).
 */
export function businessStatusFor(status: ReferralStatus, previous: CodedConcept | undefined): CodedConcept {
  switch (status) {
    case 'requested':
      return BUSINESS_STATUS.created;
    case 'accepted':
      return BUSINESS_STATUS.accepted;
    case 'rejected':
      return BUSINESS_STATUS.declined;
    case 'in-progress':
      return BUSINESS_STATUS.eventScheduled;
    case 'on-hold':
      return previous ?? BUSINESS_STATUS.accepted;
    case 'completed':
      return BUSINESS_STATUS.fulfillmentCompleted;
    case 'cancelled':
    case 'failed':
      return BUSINESS_STATUS.fulfillmentCancelled;
  }
}
