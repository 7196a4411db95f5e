import { AGREEMENT } from './answer-scales.js';
import type { Instrument } from './instrument.js';
import { OUTCOME_SCORE_SYSTEM, questionnaireUrl } from './systems.js';

/** Neil et al. (2009), 15-item version Law et al. (2014): items scored 0–4, higher is more recovery. */
export const QPR_15: Instrument = {
  id: 'qpr-15',
  canonical: questionnaireUrl('qpr-15'),
  version: '1.0.0',
  title: 'QPR-15',
  totalCode: { system: OUTCOME_SCORE_SYSTEM, code: 'qpr-15-total', display: 'QPR-15 total score' },
  totalRange: { min: 0, max: 60 },
  higherIsBetter: true,
  items: Array.from({ length: 15 }, (_, i) => ({
    linkId: `qpr-${i + 1}`,
    required: true,
    scored: true,
    answers: AGREEMENT,
  })),
  displayLinkIds: ['instructions'],
  bands: [],
};
