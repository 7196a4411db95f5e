import { ALL_INTERACTIONS, defineResource } from '@peerbridge/shared';

/**
 * The FHIR resource types the referral service owns. This table drives the routes, the search
 * index and the CapabilityStatement. ServiceRequest searches include every one US Core 7
 * requires (patient, patient+category, patient+code, patient+category+authored, _id) and more.
 */
export const SERVICE_REQUEST = defineResource({
  type: 'ServiceRequest',
  profile: 'https://peerbridge.org/fhir/StructureDefinition/peerbridge-servicerequest',
  interactions: ALL_INTERACTIONS,
  searchParameters: [
    'patient',
    'subject',
    'category',
    'code',
    'authored',
    'status',
    'intent',
    'priority',
    'identifier',
    'requester',
    'performer',
    'occurrence',
    'encounter',
    'based-on',
  ],
});

/** The Task that tracks a referral's fulfilment (Gravity SDOH Clinical Care, BSeR). */
export const TASK = defineResource({
  type: 'Task',
  profile: 'https://peerbridge.org/fhir/StructureDefinition/peerbridge-referral-task',
  interactions: ALL_INTERACTIONS,
  searchParameters: [
    'patient',
    'subject',
    'focus',
    'owner',
    'requester',
    'status',
    'business-status',
    'intent',
    'code',
    'identifier',
    'priority',
    'authored-on',
    'modified',
    'based-on',
    'part-of',
    'performer',
    'period',
  ],
  includes: ['focus', 'based-on'],
});

export const REFERRAL_RESOURCES = [SERVICE_REQUEST, TASK] as const;
