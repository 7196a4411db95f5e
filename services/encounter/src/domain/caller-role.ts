import { forbidden } from '@peerbridge/shared';

/**
 * Who the caller is to the program, from their token and the roster the care-team service
 * publishes: `program` (a system client or an active coordinator), `peer-supporter` (their
 * Practitioner and PractitionerRole), `clinician` (any other user), `patient` (patient/ scopes).
 * A clinician's and a patient's `patient` is the one in the token's launch context.
 */
export type CallerRole =
  | { readonly kind: 'program' }
  | { readonly kind: 'peer-supporter'; readonly practitionerId: string; readonly roleId: string }
  | { readonly kind: 'clinician'; readonly patient: string | undefined }
  | { readonly kind: 'patient'; readonly patient: string | undefined };

/** Sessions are planned and logged by peer supporters and the program, nobody else. */
export function assertMayRunSessions(
  role: CallerRole,
): asserts role is Extract<CallerRole, { kind: 'program' | 'peer-supporter' }> {
  if (role.kind !== 'program' && role.kind !== 'peer-supporter') {
    throw forbidden('Only peer supporters and program coordinators plan and log sessions');
  }
}

/** Outcome questionnaires are recorded through the REST API by the same people who log sessions. */
export function assertMayRecordOutcomes(
  role: CallerRole,
): asserts role is Extract<CallerRole, { kind: 'program' | 'peer-supporter' }> {
  if (role.kind !== 'program' && role.kind !== 'peer-supporter') {
    throw forbidden("Only the referral's peer supporter and program coordinators record outcomes");
  }
}
