import { badRequest, conflict } from '@peerbridge/shared';
import type { ReferralStatus } from './referral.js';

/**
 * The referral lifecycle, one explicit state machine on Task.status. Terminal states have no
 * way out. The same table governs every way a change can arrive (REST or a FHIR Task PUT).
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<ReferralStatus, readonly ReferralStatus[]>> = {
  requested: ['accepted', 'rejected', 'cancelled'],
  accepted: ['in-progress', 'on-hold', 'cancelled'],
  'in-progress': ['on-hold', 'completed', 'failed', 'cancelled'],
  'on-hold': ['in-progress', 'cancelled'],
  rejected: [],
  cancelled: [],
  completed: [],
  failed: [],
};

/** Statuses that need a reason (SDOH Clinical Care: Task.statusReason for these; docs/terminology.md). */
export const STATUSES_REQUIRING_REASON: readonly ReferralStatus[] = [
  'rejected',
  'cancelled',
  'on-hold',
  'failed',
];

export function isTerminal(status: ReferralStatus): boolean {
  return ALLOWED_TRANSITIONS[status].length === 0;
}

/** Where the caller put the target status and the reason, for the error's `expression`. */
export interface TransitionFields {
  readonly status: string;
  readonly reason: string;
}

/**
 * Checks a requested change of status. An illegal one is a 409 naming the allowed targets; a
 * missing reason where one is required is a 400 pointing at the reason field.
 */
export function assertTransition(
  from: ReferralStatus,
  to: ReferralStatus,
  reason: string | undefined,
  fields: TransitionFields,
): void {
  const allowed = ALLOWED_TRANSITIONS[from];
  if (!allowed.includes(to)) {
    const options =
      allowed.length > 0 ? `allowed: ${allowed.join(', ')}` : `${from} is final; no change is allowed`;
    throw conflict(`A referral cannot move from ${from} to ${to}; ${options}`, fields.status);
  }
  if (STATUSES_REQUIRING_REASON.includes(to) && !reason?.trim()) {
    throw badRequest(`A reason is required to move a referral to ${to}`, fields.reason);
  }
}

/** ServiceRequest.status follows the Task: active while open, then completed or revoked. */
export function serviceRequestStatusFor(
  status: ReferralStatus,
): 'active' | 'on-hold' | 'completed' | 'revoked' {
  switch (status) {
    case 'on-hold':
      return 'on-hold';
    case 'completed':
      return 'completed';
    case 'rejected':
    case 'cancelled':
    case 'failed':
      return 'revoked';
    default:
      return 'active';
  }
}
