/**
 * What a referral's status means for its care team (docs/adr/0009):
 * accepted → a care team is proposed (if there is none yet); completed, failed, cancelled →
 * it ends (inactive, period.end); any other status changes nothing.
 */
export type CareTeamStatus = 'proposed' | 'active' | 'inactive';

export type CareTeamAction = 'propose' | 'close' | 'none';

const CLOSING = new Set(['completed', 'failed', 'cancelled']);

export function careTeamActionFor(referralStatus: string): CareTeamAction {
  if (referralStatus === 'accepted') {
    return 'propose';
  }
  return CLOSING.has(referralStatus) ? 'close' : 'none';
}

/** Assignment is for a referral being worked: accepted or in progress (409 otherwise). */
export const ASSIGNABLE_REFERRAL_STATUSES: readonly string[] = ['accepted', 'in-progress'];
