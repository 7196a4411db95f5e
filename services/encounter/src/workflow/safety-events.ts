import type { Resource } from '@medplum/fhirtypes';
import { appendEvent, newEvent, type Queryable } from '@peerbridge/shared';
import { ENCOUNTER_SCHEMA } from './session-events.js';

/**
 * What the encounter service tells others about a safety flag: raised (the Flag and its alert),
 * acknowledged (the acknowledgement), resolved (the inactive Flag and the resolution). Each
 * carries the resources it wrote, so a subscriber alerts people without calling back.
 */
export type SafetyEventType = 'safety.flagged' | 'safety.acknowledged' | 'safety.resolved';

export async function emitSafetyEvent(
  tx: Queryable,
  type: SafetyEventType,
  flagId: string,
  resources: readonly Resource[],
): Promise<void> {
  await appendEvent(
    tx,
    ENCOUNTER_SCHEMA,
    newEvent({ type, aggregate: { type: 'safety-flag', id: flagId }, resources, carryResources: true }),
  );
}
