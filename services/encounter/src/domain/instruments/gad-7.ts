import { OVER_THE_LAST_TWO_WEEKS } from './answer-scales.js';
import { band } from './bands.js';
import type { Instrument } from './instrument.js';
import { LOINC, NHS_TALKING_THERAPIES, questionnaireUrl } from './systems.js';

/** GAD-7 item 2, which LOINC's form answers with LA18938-3 "More days than not" for 2. */
const NOT_ABLE_TO_STOP_WORRYING = '68509-9';

/** Spitzer, Kroenke, Williams and Löwe (2006); LOINC panel 69737-5. */
export const GAD_7: Instrument = {
  id: 'gad-7',
  canonical: questionnaireUrl('gad-7'),
  version: '1.0.0',
  title: 'GAD-7',
  totalCode: { system: LOINC, code: '70274-6', display: 'Generalized anxiety disorder 7 item total score' },
  totalRange: { min: 0, max: 21 },
  higherIsBetter: false,
  items: ['69725-0', NOT_ABLE_TO_STOP_WORRYING, '69733-4', '69734-2', '69735-9', '69689-8', '69736-7'].map(
    (loinc) => ({
      linkId: loinc,
      loinc,
      required: true,
      scored: true,
      answers: OVER_THE_LAST_TWO_WEEKS,
      ...(loinc === NOT_ABLE_TO_STOP_WORRYING
        ? {
            alternativeAnswers: [
              { system: LOINC, code: 'LA18938-3', display: 'More days than not', score: 2 },
            ],
          }
        : {}),
    }),
  ),
  displayLinkIds: ['instructions'],
  bands: [
    band(0, 4, 'gad-7-minimal', 'GAD-7 minimal anxiety'),
    band(5, 9, 'gad-7-mild', 'GAD-7 mild anxiety'),
    band(10, 14, 'gad-7-moderate', 'GAD-7 moderate anxiety'),
    band(15, 21, 'gad-7-severe', 'GAD-7 severe anxiety'),
  ],
  caseness: { value: 8, source: NHS_TALKING_THERAPIES },
  reliableChange: { value: 4, source: NHS_TALKING_THERAPIES },
};
