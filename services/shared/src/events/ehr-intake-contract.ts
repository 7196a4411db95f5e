/**
 * The contract between the ehr-integration service and the referral service for intake: the
 * event the ehr-integration service emits for each EHR referral it takes in (carrying the
 * ServiceRequest to create, and the patient copy it refers to), which the referral service
 * consumes by creating the PeerBridge referral. Shared so that neither imports the other.
 */
export const EHR_REFERRAL_RECEIVED = 'ehr-integration.referral-received';

/**
 * The identifier system under which a PeerBridge referral carries the EHR ServiceRequest it was
 * taken in from; the value is that ServiceRequest's absolute URL on its EHR, which is the
 * referral's key for exactly-once intake.
 */
export const EHR_SERVICE_REQUEST_IDENTIFIER_SYSTEM = 'https://peerbridge.org/fhir/sid/ehr-service-request';
