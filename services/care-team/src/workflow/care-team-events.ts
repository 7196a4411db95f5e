import type { Resource } from '@medplum/fhirtypes';
import { appendEvent, newEvent, type Queryable } from '@peerbridge/shared';

/** The care-team service's schema: its FHIR store, outbox and own tables. */
export const CARE_TEAM_SCHEMA = 'care_team';

/**
 * What the care-team service tells others (the encounter service, the EHR write-back):
 * `careteam.proposed` (a referral was accepted), `careteam.assigned`, `careteam.reassigned`,
 * `careteam.closed` (the referral ended), and `roster.changed` for the roster. Each carries the
 * resources it changed.
 */
export type CareTeamEventType =
  'careteam.proposed' | 'careteam.assigned' | 'careteam.reassigned' | 'careteam.closed' | 'roster.changed';

export async function emit(
  tx: Queryable,
  type: CareTeamEventType,
  aggregate: { type: 'care-team' | 'peer-supporter'; id: string },
  resources: readonly Resource[],
): Promise<void> {
  await appendEvent(tx, CARE_TEAM_SCHEMA, newEvent({ type, aggregate, resources, carryResources: true }));
}
