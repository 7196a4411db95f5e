import type { Resource } from '@medplum/fhirtypes';
import { appendEvent, newEvent, type Queryable } from '@peerbridge/shared';

export const ENCOUNTER_SCHEMA = 'encounter';

/**
 * What the encounter service tells others: a session planned, logged (its Encounters), cancelled
 * or missed (its Appointment). Each carries the resources it wrote; their `basedOn` names the
 * referrals, which is how the referral service follows its sessions.
 */
export type SessionEventType = 'session.planned' | 'session.logged' | 'session.cancelled' | 'session.no-show';

export async function emit(
  tx: Queryable,
  type: SessionEventType,
  sessionId: string,
  resources: readonly Resource[],
) {
  await appendEvent(
    tx,
    ENCOUNTER_SCHEMA,
    newEvent({ type, aggregate: { type: 'session', id: sessionId }, resources, carryResources: true }),
  );
}
