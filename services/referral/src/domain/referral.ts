import type { Actor } from '@peerbridge/shared';

/**
 * A referral to peer support as PeerBridge's domain sees it, independent of HTTP and of FHIR.
 * Its FHIR form is a ServiceRequest plus the Task that tracks its fulfilment (see ../fhir/).
 */

/** Task.status values a referral moves through (SDOH Clinical Care TaskForReferralManagement). */
export const REFERRAL_STATUSES = [
  'requested',
  'accepted',
  'rejected',
  'cancelled',
  'in-progress',
  'on-hold',
  'completed',
  'failed',
] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

export const REFERRAL_PRIORITIES = ['routine', 'urgent', 'asap', 'stat'] as const;
export type ReferralPriority = (typeof REFERRAL_PRIORITIES)[number];

export const CONTACT_METHODS = ['phone', 'sms', 'email'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

/** Notes longer than this are refused rather than cut, so nothing a clinician wrote is lost. */
export const MAX_NOTES_LENGTH = 2000;

export interface CodedConcept {
  readonly system: string;
  readonly code: string;
  readonly display?: string;
}

export interface PatientRef {
  /** `Patient/123` or an absolute URL on the EHR's FHIR server. */
  readonly reference: string;
  /** Optional business identifier, e.g. an MRN, as `system|value`. */
  readonly identifier?: string;
}

export interface ReferralDetails {
  readonly patient: PatientRef;
  /** The referring clinician, a Practitioner reference. */
  readonly requester: string;
  /** The peer support program's Organization, which owns the Task. */
  readonly program: string;
  readonly reason: {
    readonly text: string;
    readonly codes: readonly CodedConcept[];
    /** Condition or Observation references that explain the referral. */
    readonly references: readonly string[];
  };
  readonly priority: ReferralPriority;
  /** BCP-47 language tag, e.g. `es` or `pt-BR`. */
  readonly preferredLanguage?: string;
  readonly preferredContact?: { readonly method?: ContactMethod; readonly time?: string };
  /** When the program should start working the referral. */
  readonly occurrence?: { readonly start?: string; readonly end?: string };
  /** Consent to share session information with the care team; given means a Consent exists. */
  readonly consentReference?: string;
  readonly doNotContact: boolean;
  readonly notes?: string;
  readonly placerIdentifier?: { readonly system: string; readonly value: string };
}

export interface Referral extends ReferralDetails {
  /** The ServiceRequest's id. */
  readonly id: string;
  readonly taskId: string;
  readonly status: ReferralStatus;
  readonly statusReason?: string;
  readonly businessStatus: CodedConcept;
  readonly authoredOn: string;
  readonly lastUpdated: string;
  readonly serviceRequestVersion: string;
  readonly taskVersion: string;
}

/** Who made a change: the REST kit's Actor, from the caller's SMART AuthContext. */
export type { Actor };

export interface Transition {
  readonly from: ReferralStatus | null;
  readonly to: ReferralStatus;
  readonly reason?: string;
  readonly actor: Actor;
  readonly at: string;
  readonly taskVersion: string;
}
