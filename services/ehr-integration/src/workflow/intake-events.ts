import type { Patient, ServiceRequest } from '@medplum/fhirtypes';
import {
  appendEvent,
  EHR_REFERRAL_RECEIVED,
  newEvent,
  type DomainEvent,
  type Queryable,
} from '@peerbridge/shared';

export const EHR_INTEGRATION_SCHEMA = 'ehr_integration';

/**
 * The event the referral service creates a PeerBridge referral from (its consumer of it is the
 * referral service's side of the contract): the ServiceRequest to create, and the patient copy
 * it refers to. Written in the intake's transaction, so the referral is asked for exactly when
 * the intake record commits.
 */
export const REFERRAL_RECEIVED = EHR_REFERRAL_RECEIVED;

export async function emitReferralReceived(
  tx: Queryable,
  ehrServiceRequest: string,
  request: ServiceRequest,
  patientCopy: Patient,
): Promise<DomainEvent> {
  const event = newEvent({
    type: REFERRAL_RECEIVED,
    aggregate: { type: 'EhrReferral', id: ehrServiceRequest },
    resources: [patientCopy],
    carryResources: true,
  });
  const withRequest = { ...event, resources: [request, patientCopy] };
  await appendEvent(tx, EHR_INTEGRATION_SCHEMA, withRequest);
  return withRequest;
}
