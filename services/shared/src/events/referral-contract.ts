import type { CareTeam, ServiceRequest } from '@medplum/fhirtypes';

/**
 * What the referral and care-team services' events say about a referral, read the same way by
 * every service that consumes them (encounter, ehr-integration), so that none restates the other's
 * conventions. Shared so that no service imports another.
 */

/** `Type/id` or an absolute URL ending in `Type/id` (an EHR's Patient lives on the EHR's server). */
const REFERENCE =
  /^(?:https?:\/\/[^\s?#]+\/)?([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

export function isReferenceTo(reference: string | undefined, type: string): boolean {
  return reference !== undefined && REFERENCE.exec(reference)?.[1] === type;
}

/**
 * A referral records consent to share session information with the care team as a
 * `supportingInfo` reference to the Consent; no such reference means no consent.
 */
export function consentReferenceOf(request: ServiceRequest): string | undefined {
  return request.supportingInfo?.find((info) => isReferenceTo(info.reference, 'Consent'))?.reference;
}

/**
 * The identifier system under which a CareTeam carries the id of the referral it was formed for
 * (`CareTeam?identifier=https://peerbridge.org/fhir/sid/referral|<id>` finds it).
 */
export const REFERRAL_IDENTIFIER_SYSTEM = 'https://peerbridge.org/fhir/sid/referral';

/** The id of the referral a care team was formed for, or undefined when it names none. */
export function referralIdOfCareTeam(team: CareTeam): string | undefined {
  return team.identifier?.find((identifier) => identifier.system === REFERRAL_IDENTIFIER_SYSTEM)?.value;
}
