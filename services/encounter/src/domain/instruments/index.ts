import { GAD_7 } from './gad-7.js';
import type { Instrument, InstrumentId } from './instrument.js';
import { PHQ_9 } from './phq-9.js';
import { QPR_15 } from './qpr-15.js';
import { SWEMWBS } from './swemwbs.js';
import { UCLA_3 } from './ucla-3.js';

export type {
  AnswerOption,
  Band,
  Code,
  Instrument,
  InstrumentId,
  InstrumentItem,
  Threshold,
} from './instrument.js';
export { bandOf } from './bands.js';
export { PHQ9_ITEM_9 } from './phq-9.js';
export { swemwbsMetricScore } from './swemwbs-conversion.js';
export { LOINC, OUTCOME_ANSWER_SYSTEM, OUTCOME_SCORE_SYSTEM, SNOMED } from './systems.js';
export { GAD_7, PHQ_9, QPR_15, SWEMWBS, UCLA_3 };

/** Every instrument PeerBridge scores, by id. */
export const INSTRUMENTS: Readonly<Record<InstrumentId, Instrument>> = {
  'phq-9': PHQ_9,
  'gad-7': GAD_7,
  swemwbs: SWEMWBS,
  'ucla-3': UCLA_3,
  'qpr-15': QPR_15,
};

/**
 * The instrument a QuestionnaireResponse.questionnaire names: its canonical URL, with or
 * without `|version` (a version other than the instrument's is not this instrument).
 */
export function instrumentForCanonical(canonical: string): Instrument | undefined {
  const [url, version] = canonical.split('|');
  return Object.values(INSTRUMENTS).find(
    (instrument) => instrument.canonical === url && (version === undefined || version === instrument.version),
  );
}
