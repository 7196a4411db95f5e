import { SWEMWBS_FREQUENCY } from './answer-scales.js';
import type { Instrument } from './instrument.js';
import { swemwbsMetricScore } from './swemwbs-conversion.js';
import { questionnaireUrl, SNOMED } from './systems.js';

/** Stewart-Brown et al. (2009): seven items scored 1–5, reported as the metric score. */
export const SWEMWBS: Instrument = {
  id: 'swemwbs',
  canonical: questionnaireUrl('swemwbs'),
  version: '1.0.0',
  title: 'SWEMWBS',
  totalCode: {
    system: SNOMED,
    code: '718466001',
    display: 'Short Warwick-Edinburgh Mental Well-being Scale score',
  },
  totalRange: { min: 7, max: 35 },
  higherIsBetter: true,
  items: [1, 2, 3, 4, 5, 6, 7].map((n) => ({
    linkId: `swemwbs-${n}`,
    required: true,
    scored: true,
    answers: SWEMWBS_FREQUENCY,
  })),
  displayLinkIds: ['instructions'],
  // The authors publish no severity bands for SWEMWBS.
  bands: [],
  reliableChange: {
    value: 3,
    source:
      'SWEMWBS: a change of 3 or more metric points is commonly treated as meaningful (docs/terminology.md)',
  },
  reportedScore: swemwbsMetricScore,
};
