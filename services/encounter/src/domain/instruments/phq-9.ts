import { OVER_THE_LAST_TWO_WEEKS } from './answer-scales.js';
import { band } from './bands.js';
import type { Instrument, InstrumentItem } from './instrument.js';
import { LOINC, NHS_TALKING_THERAPIES, questionnaireUrl } from './systems.js';

/** PHQ-9 item 9, "thoughts that you would be better off dead…": any answer above 0 is a safety signal. */
export const PHQ9_ITEM_9 = '44260-8';

const scoredItem = (loinc: string): InstrumentItem => ({
  linkId: loinc,
  loinc,
  required: true,
  scored: true,
  answers: OVER_THE_LAST_TWO_WEEKS,
});

/** Kroenke, Spitzer and Williams (2001); LOINC panel 44249-1. */
export const PHQ_9: Instrument = {
  id: 'phq-9',
  canonical: questionnaireUrl('phq-9'),
  version: '1.0.0',
  title: 'PHQ-9',
  totalCode: { system: LOINC, code: '44261-6', display: 'Patient health questionnaire 9 item total score' },
  totalRange: { min: 0, max: 27 },
  higherIsBetter: false,
  items: [
    ...['44250-9', '44255-8', '44259-0', '44254-1', '44251-7', '44258-2', '44252-5', '44253-3'].map(
      scoredItem,
    ),
    scoredItem(PHQ9_ITEM_9),
    {
      // The difficulty question: asked, never added to the total.
      linkId: '69722-7',
      loinc: '69722-7',
      required: false,
      scored: false,
      answers: [
        { system: LOINC, code: 'LA6572-7', display: 'Not difficult at all' },
        { system: LOINC, code: 'LA6573-5', display: 'Somewhat difficult' },
        { system: LOINC, code: 'LA6575-0', display: 'Very difficult' },
        { system: LOINC, code: 'LA6574-3', display: 'Extremely difficult' },
      ],
    },
  ],
  displayLinkIds: ['instructions'],
  bands: [
    band(0, 4, 'phq-9-none-minimal', 'PHQ-9 none or minimal depression'),
    band(5, 9, 'phq-9-mild', 'PHQ-9 mild depression'),
    band(10, 14, 'phq-9-moderate', 'PHQ-9 moderate depression'),
    band(15, 19, 'phq-9-moderately-severe', 'PHQ-9 moderately severe depression'),
    band(20, 27, 'phq-9-severe', 'PHQ-9 severe depression'),
  ],
  caseness: { value: 10, source: NHS_TALKING_THERAPIES },
  reliableChange: { value: 6, source: NHS_TALKING_THERAPIES },
};
