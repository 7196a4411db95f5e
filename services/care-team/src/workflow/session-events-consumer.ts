import type { Encounter } from '@medplum/fhirtypes';
import type { EventConsumer } from '@peerbridge/shared';
import { recordSessionDate } from '../store/care-team-tables.js';

/**
 * Keeps each care team's last session date, for caseloads, from the encounter service's
 * `session.logged` events: an attended Encounter names its referral in `basedOn` and ends at
 * `period.end`. A late or repeated event never moves the date back.
 */
export const sessionEventsConsumer: EventConsumer = {
  name: 'sessions',
  eventTypes: ['session.logged'],
  async handle(tx, event) {
    const encounters = (event.resources ?? []).filter(
      (r): r is Encounter =>
        r.resourceType === 'Encounter' && r.status === 'finished' && r.subject !== undefined,
    );
    for (const encounter of encounters) {
      const date = (encounter.period?.end ?? encounter.period?.start)?.slice(0, 10);
      for (const basedOn of encounter.basedOn ?? []) {
        if (date && basedOn.reference?.startsWith('ServiceRequest/')) {
          await recordSessionDate(tx, basedOn.reference.slice('ServiceRequest/'.length), date);
        }
      }
    }
  },
};
