import type { CarryingEvent } from '@peerbridge/shared';

/**
 * `outcome.recorded`: a completed QuestionnaireResponse was stored, with the Observations of its
 * score (none when it could not be scored). It is written in the same statement as they are
 * (Repository.createAll) and carries them, so a consumer (the EHR write-back) needs no read back.
 */
export function outcomeRecorded(questionnaireResponseId: string): CarryingEvent {
  return {
    type: 'outcome.recorded',
    aggregate: { type: 'questionnaire-response', id: questionnaireResponseId },
  };
}
