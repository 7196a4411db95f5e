import { badRequest, conflict, forbidden } from '@peerbridge/shared';
import type { CallerRole } from './caller-role.js';

export type SafetyFlagStatus = 'active' | 'resolved';

/** What a person asks for when they raise a concern (`raiseSafetyConcern`). */
export interface ConcernRequest {
  readonly patient?: string;
  readonly referralId?: string;
  readonly sessionId?: string;
  readonly description: string;
  readonly urgency: 'urgent' | 'stat';
}

/** A concern must say what it is: an empty or blank description would alert nobody to anything. */
export function assertValidConcern(request: ConcernRequest): void {
  if (request.description.trim() === '') {
    throw badRequest('A safety concern needs a description', 'description');
  }
  if (!request.patient === !request.referralId) {
    throw badRequest('Name the patient or the referral, not both', 'patient');
  }
}

/** Peer supporters (for their caseload, checked against the care team) and the program raise concerns. */
export function assertMayRaiseConcern(
  role: CallerRole,
): asserts role is Extract<CallerRole, { kind: 'program' | 'peer-supporter' }> {
  if (role.kind !== 'program' && role.kind !== 'peer-supporter') {
    throw forbidden('Only peer supporters and program coordinators raise safety concerns');
  }
}

/** The care team's clinicians and coordinators act on a flag; peer supporters and patients do not. */
export function assertMayActOnFlag(role: CallerRole): void {
  if (role.kind !== 'program' && role.kind !== 'clinician') {
    throw forbidden('Only clinicians and program coordinators acknowledge or resolve safety flags');
  }
}

/** A resolved flag is closed: neither acknowledged nor resolved again (409). */
export function assertOpen(status: SafetyFlagStatus, doing: 'acknowledged' | 'resolved'): void {
  if (status === 'resolved') {
    throw conflict(`The safety flag is already resolved; it cannot be ${doing}`, 'flagId');
  }
}
