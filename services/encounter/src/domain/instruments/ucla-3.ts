import { LONELINESS_FREQUENCY } from './answer-scales.js';
import type { Instrument } from './instrument.js';
import { OUTCOME_SCORE_SYSTEM, questionnaireUrl } from './systems.js';

/** Hughes et al. (2004); LOINC panel 106418-7. The "left out" item has no confirmed LOINC code. */
export const UCLA_3: Instrument = {
  id: 'ucla-3',
  canonical: questionnaireUrl('ucla-3'),
  version: '1.0.0',
  title: 'UCLA-3',
  totalCode: {
    system: OUTCOME_SCORE_SYSTEM,
    code: 'ucla-3-total',
    display: 'Three-Item Loneliness Scale total score',
  },
  totalRange: { min: 3, max: 9 },
  higherIsBetter: false,
  items: [
    { linkId: '66855-8', loinc: '66855-8', required: true, scored: true, answers: LONELINESS_FREQUENCY },
    { linkId: 'ucla-3-left-out', required: true, scored: true, answers: LONELINESS_FREQUENCY },
    { linkId: '66867-3', loinc: '66867-3', required: true, scored: true, answers: LONELINESS_FREQUENCY },
  ],
  displayLinkIds: ['instructions'],
  // Cut-offs in use (e.g. 6+ "lonely") are study conventions, not the authors' bands.
  bands: [],
};
