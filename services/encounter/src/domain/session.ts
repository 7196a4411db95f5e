import { badRequest } from '@peerbridge/shared';

export type Mode = 'in-person' | 'virtual' | 'phone' | 'home';
export type SessionKind = 'one-to-one' | 'group';
export type SessionStatus = 'planned' | 'completed' | 'cancelled' | 'no-show';

export interface AttendeeRequest {
  readonly referralId: string;
  /** For a logged group session; a one-to-one session's patient attended by definition. */
  readonly attended: boolean;
}

/** A session as a peer supporter or coordinator describes it, planned or logged. */
export interface SessionRequest {
  readonly kind: SessionKind;
  readonly attendees: readonly AttendeeRequest[];
  readonly mode: Mode;
  readonly start: string;
  readonly end: string;
  readonly topics: readonly string[];
  readonly note: string | undefined;
}

/**
 * What the contract's schema cannot say: a session ends after it starts; a logged session has
 * taken place (it cannot end in the future); a group lists each attendee once and someone came.
 */
export function assertValidSession(session: SessionRequest, logged: boolean, now: Date): void {
  if (Date.parse(session.end) <= Date.parse(session.start)) {
    throw badRequest(`A session must end after it starts (${session.start} – ${session.end})`, 'end');
  }
  if (logged && Date.parse(session.end) > now.getTime()) {
    throw badRequest('A session logged as having taken place cannot end in the future', 'end');
  }
  const seen = new Set<string>();
  session.attendees.forEach((attendee, index) => {
    if (seen.has(attendee.referralId)) {
      throw badRequest(`Referral ${attendee.referralId} is listed twice`, `attendees[${index}].referralId`);
    }
    seen.add(attendee.referralId);
  });
  if (logged && session.kind === 'group' && !session.attendees.some((a) => a.attended)) {
    throw badRequest('A group session someone attended: mark at least one attendee as attended', 'attendees');
  }
}

export function minutesBetween(start: string, end: string): number {
  return Math.round((Date.parse(end) - Date.parse(start)) / 60_000);
}
