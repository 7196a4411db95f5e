import type { Appointment, Encounter, Task } from '@medplum/fhirtypes';
import type { EventConsumer } from '@peerbridge/shared';
import { BUSINESS_STATUS } from '../domain/business-status.js';
import type { ReferralStatus } from '../domain/referral.js';
import { lockReferral } from '../store/referral-tables.js';
import type { ReferralWrites } from './referral-writes.js';

/** Statuses in which sessions take place; a final referral ignores them. */
const WORKING: readonly ReferralStatus[] = ['accepted', 'in-progress', 'on-hold'];

/**
 * Closes the loop with the encounter service, from its events only: the first logged session of
 * an accepted referral moves it to in-progress with BSeR 5.1.4 (event completed); a later one
 * keeps 5.1.4; a missed planned session sets 5.1.2 (unattended), a cancelled one 5.1.3. A session
 * names its referrals in `basedOn`; a group attendee who did not come (Encounter cancelled) moves
 * nothing.
 */
export function sessionOutcomesConsumer(writes: ReferralWrites): EventConsumer {
  return {
    name: 'sessions',
    eventTypes: ['session.logged', 'session.no-show', 'session.cancelled'],
    async handle(tx, event, delivery) {
      const repo = delivery.repository!;
      const business =
        event.type === 'session.logged'
          ? BUSINESS_STATUS.eventCompleted
          : event.type === 'session.no-show'
            ? BUSINESS_STATUS.eventUnattended
            : BUSINESS_STATUS.eventCancelled;
      for (const referralId of referralsOf(event.type, event.resources ?? [])) {
        const taskId = await lockReferral(tx, referralId);
        if (!taskId) {
          continue;
        }
        const current: Task = await repo.read('Task', taskId, { q: tx });
        const status = current.status as ReferralStatus;
        if (!WORKING.includes(status)) {
          continue;
        }
        if (event.type === 'session.logged' && status === 'accepted') {
          await writes.applyTransition(repo, tx, {
            referralId,
            current,
            next: current,
            to: 'in-progress',
            reason: undefined,
            actor: { subject: repo.caller.subject! },
            expectedVersion: undefined,
            businessStatus: business,
          });
        } else {
          await writes.recordBusinessStatus(repo, tx, referralId, current, business);
        }
      }
    },
  };
}

/** The referrals a session event is about: attended Encounters' or the Appointment's basedOn. */
function referralsOf(type: string, resources: readonly { resourceType: string }[]): string[] {
  const bases =
    type === 'session.logged'
      ? resources
          .filter((r): r is Encounter => r.resourceType === 'Encounter')
          .filter((encounter) => encounter.subject && encounter.status === 'finished')
          .flatMap((encounter) => encounter.basedOn ?? [])
      : resources
          .filter((r): r is Appointment => r.resourceType === 'Appointment')
          .flatMap((appointment) => appointment.basedOn ?? []);
  const ids = bases.flatMap((b) =>
    b.reference?.startsWith('ServiceRequest/') ? [b.reference.slice(15)] : [],
  );
  return [...new Set(ids)];
}
