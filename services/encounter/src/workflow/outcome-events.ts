import type { Resource } from '@medplum/fhirtypes';
import { appendEvent, newEvent, type Queryable } from '@peerbridge/shared';
import { ENCOUNTER_SCHEMA } from './session-events.js';

/**
 * `outcome.recorded`: a completed QuestionnaireResponse was stored, with the Observations of its
 * score (none when it could not be scored). It carries them, so a consumer (the EHR write-back)
 * needs no read back.
 */
export async function emitOutcomeRecorded(
  tx: Queryable,
  questionnaireResponseId: string,
  resources: readonly Resource[],
): Promise<void> {
  await appendEvent(
    tx,
    ENCOUNTER_SCHEMA,
    newEvent({
      type: 'outcome.recorded',
      aggregate: { type: 'questionnaire-response', id: questionnaireResponseId },
      resources,
      carryResources: true,
    }),
  );
}
