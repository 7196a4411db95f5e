import { EHR_SERVICE_REQUEST_IDENTIFIER_SYSTEM } from '@peerbridge/shared';
import type { EhrConnection } from '@peerbridge/shared';

/**
 * The absolute URL of a resource on the connection's EHR, from a reference the EHR wrote
 * (relative `Patient/1`, or already absolute). PeerBridge keeps EHR references absolute so that
 * they can never be taken for its own resources.
 */
export function ehrUrl(connection: EhrConnection, reference: string): string {
  return /^https?:\/\//.test(reference) ? reference : `${connection.fhirBaseUrl}/${reference}`;
}

/** The EHR's identity of a referral: its ServiceRequest's absolute URL on the connection's EHR. */
export function ehrServiceRequestUrl(connection: EhrConnection, id: string): string {
  return ehrUrl(connection, `ServiceRequest/${id}`);
}

export { EHR_SERVICE_REQUEST_IDENTIFIER_SYSTEM };
