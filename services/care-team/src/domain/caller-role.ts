import { forbidden } from '@peerbridge/shared';

/**
 * Who the caller is to the program, from their token and the roster:
 * - `program`: a system client, or a user whose fhirUser is an active coordinator on the roster;
 * - `peer-supporter`: a user whose fhirUser is an active peer supporter (their Practitioner id);
 * - `clinician`: any other user (their fhirUser, and the patient in their launch context);
 * - `patient`: a token with patient/ scopes, confined to its patient by the scopes themselves.
 */
export type CallerRole =
  | { readonly kind: 'program' }
  | { readonly kind: 'peer-supporter'; readonly practitionerId: string }
  | {
      readonly kind: 'clinician';
      readonly fhirUser: string | undefined;
      readonly patient: string | undefined;
    }
  | { readonly kind: 'patient' };

/** 403 unless the caller runs the program: roster changes, suggestions and assignments. */
export function assertCoordinator(role: CallerRole, what: string): void {
  if (role.kind !== 'program') {
    throw forbidden(`Only a program coordinator may ${what}`);
  }
}

/** Whether the caller may see this roster member's profile and caseload. */
export function maySeePeerSupporter(role: CallerRole, peerSupporterId: string): boolean {
  return (
    role.kind === 'program' || (role.kind === 'peer-supporter' && role.practitionerId === peerSupporterId)
  );
}
