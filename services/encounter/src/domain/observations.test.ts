import { describe, expect, it } from '@jest/globals';
import type { Observation } from '@medplum/fhirtypes';
import { createValidator } from '@peerbridge/shared';
import { GAD_7, INSTRUMENTS, PHQ_9, SWEMWBS, type Instrument } from './instruments/index.js';
import { toOutcomeObservations, type ObservationContext } from './observations.js';
import { scoreResponse, type ScoredResponse } from './scoring.js';
import { responseWithScores, scoresAddingUpTo } from './testing/responses.js';

const validator = createValidator();

const CONTEXT: ObservationContext = {
  subject: { reference: 'Patient/p1' },
  performer: [{ reference: 'PractitionerRole/peer-1' }],
  effective: '2026-01-05T10:30:00Z',
  questionnaireResponse: { reference: 'QuestionnaireResponse/qr-1' },
  encounter: { reference: 'Encounter/e-1' },
};

function scored(instrument: Instrument, scores: number[]): ScoredResponse {
  const result = scoreResponse(instrument, responseWithScores(instrument, scores));
  if (result.kind !== 'scored') {
    throw new Error(JSON.stringify(result.problems));
  }
  return result;
}

const SURVEY = [
  {
    coding: [
      {
        system: 'http://terminology.hl7.org/CodeSystem/observation-category',
        code: 'survey',
        display: 'Survey',
      },
    ],
  },
];
const score = (value: number) => ({
  value,
  unit: '{score}',
  system: 'http://unitsofmeasure.org',
  code: '{score}',
});

describe('Observations of a scored response', () => {
  it('when a PHQ-9 totals 12 with item 9 answered "Several days", then a total Observation with its band and an item 9 Observation are produced', () => {
    const observations = toOutcomeObservations(PHQ_9, scored(PHQ_9, [2, 2, 2, 2, 1, 1, 1, 0, 1]), CONTEXT);
    const common = {
      resourceType: 'Observation',
      status: 'final',
      category: SURVEY,
      subject: { reference: 'Patient/p1' },
      effectiveDateTime: '2026-01-05T10:30:00Z',
      performer: [{ reference: 'PractitionerRole/peer-1' }],
      derivedFrom: [{ reference: 'QuestionnaireResponse/qr-1' }],
      encounter: { reference: 'Encounter/e-1' },
    };
    expect(observations).toEqual([
      {
        ...common,
        code: {
          coding: [
            {
              system: 'http://loinc.org',
              code: '44261-6',
              display: 'Patient health questionnaire 9 item total score',
            },
          ],
        },
        valueQuantity: score(12),
        interpretation: [
          {
            coding: [
              {
                system: 'https://peerbridge.org/fhir/CodeSystem/outcome-score',
                code: 'phq-9-moderate',
                display: 'PHQ-9 moderate depression',
              },
            ],
            text: 'PHQ-9 moderate depression',
          },
        ],
      },
      {
        ...common,
        code: {
          coding: [
            {
              system: 'http://loinc.org',
              code: '44260-8',
              display: 'Thoughts that you would be better off dead, or of hurting yourself in some way',
            },
          ],
        },
        valueCodeableConcept: {
          coding: [{ system: 'http://loinc.org', code: 'LA6569-3', display: 'Several days' }],
        },
      },
    ]);
  });

  it('when a PHQ-9 item 9 is answered "Not at all", then its Observation is still produced, with that answer', () => {
    const [, item9] = toOutcomeObservations(PHQ_9, scored(PHQ_9, Array(9).fill(0)), CONTEXT);
    expect(item9?.valueCodeableConcept?.coding?.[0]?.code).toBe('LA6568-5');
  });

  it('when a GAD-7 is scored, then only its total Observation (LOINC 70274-6) is produced', () => {
    const observations = toOutcomeObservations(GAD_7, scored(GAD_7, scoresAddingUpTo(8, 7, 3)), CONTEXT);
    expect(observations).toHaveLength(1);
    expect(observations[0]).toMatchObject({
      code: { coding: [{ code: '70274-6' }] },
      valueQuantity: score(8),
      interpretation: [{ coding: [{ code: 'gad-7-mild' }] }],
    });
  });

  it('when a SWEMWBS raw score of 21 is recorded, then the value is the metric 19.25 (SNOMED CT 718466001) and the raw 21 is a component', () => {
    const [total] = toOutcomeObservations(SWEMWBS, scored(SWEMWBS, [3, 3, 3, 3, 3, 3, 3]), CONTEXT);
    expect(total).toMatchObject({
      code: { coding: [{ system: 'http://snomed.info/sct', code: '718466001' }] },
      valueQuantity: score(19.25),
      component: [
        {
          code: {
            coding: [
              {
                system: 'https://peerbridge.org/fhir/CodeSystem/outcome-score',
                code: 'swemwbs-raw-total',
                display: 'SWEMWBS raw score',
              },
            ],
          },
          valueQuantity: score(21),
        },
      ],
    });
    expect(total).not.toHaveProperty('interpretation');
  });

  it('when no encounter or performer is given, then the Observations carry neither', () => {
    const { encounter: _e, performer: _p, ...bare } = CONTEXT;
    const [total] = toOutcomeObservations(GAD_7, scored(GAD_7, Array(7).fill(0)), bare);
    expect(total).not.toHaveProperty('encounter');
    expect(total).not.toHaveProperty('performer');
  });

  it.each(Object.values(INSTRUMENTS).map((instrument) => [instrument.id, instrument] as const))(
    'when a %s at its lowest and highest is recorded, then every Observation validates with the project validator',
    (_id, instrument) => {
      const scoredItems = instrument.items.filter((item) => item.scored);
      for (const pick of [Math.min, Math.max]) {
        const scores = scoredItems.map((item) => pick(...item.answers.map((answer) => answer.score!)));
        for (const observation of toOutcomeObservations(instrument, scored(instrument, scores), CONTEXT)) {
          expect(() => validator.validate(observation)).not.toThrow();
        }
      }
    },
  );

  it('when an Observation breaks R4, then the same validator refuses it, so the check above has teeth', () => {
    const [total] = toOutcomeObservations(GAD_7, scored(GAD_7, Array(7).fill(0)), CONTEXT);
    const broken = { ...total, status: 'done' } as unknown as Observation;
    expect(() => validator.validate(broken)).toThrow();
  });
});
