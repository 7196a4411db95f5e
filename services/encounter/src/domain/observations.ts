import type {
  CodeableConcept,
  Coding,
  Observation,
  QuestionnaireResponse,
  Reference,
} from '@medplum/fhirtypes';
import { OUTCOME_SCORE_SYSTEM, PHQ9_ITEM_9, LOINC, type Code, type Instrument } from './instruments/index.js';
import type { ScoredResponse } from './scoring.js';

/** Where, for whom and by whom the response was taken. */
export interface ObservationContext {
  /** The patient. */
  readonly subject: NonNullable<Observation['subject']>;
  /** Who answered or recorded it (the patient, the peer supporter's PractitionerRole). */
  readonly performer?: NonNullable<Observation['performer']>;
  /** When it was answered (QuestionnaireResponse.authored). */
  readonly effective: string;
  /** The QuestionnaireResponse the Observations are derived from. */
  readonly questionnaireResponse: Reference<QuestionnaireResponse>;
  readonly encounter?: NonNullable<Observation['encounter']>;
}

const SURVEY: CodeableConcept = {
  coding: [
    {
      system: 'http://terminology.hl7.org/CodeSystem/observation-category',
      code: 'survey',
      display: 'Survey',
    },
  ],
};

/** R4 / US Core: scores as valueQuantity in UCUM's annotation unit `{score}`. */
const score = (value: number) => ({
  value,
  unit: '{score}',
  system: 'http://unitsofmeasure.org',
  code: '{score}',
});

const SWEMWBS_RAW: Coding = {
  system: OUTCOME_SCORE_SYSTEM,
  code: 'swemwbs-raw-total',
  display: 'SWEMWBS raw score',
};

const concept = ({ system, code, display }: Code): CodeableConcept => ({
  coding: [{ system, code, display }],
});

/**
 * The Observations a scored response produces (US Core Screening Assessment shape): the total,
 * with its band as interpretation (SWEMWBS: the metric score, the raw score as a component), and
 * for PHQ-9 item 9 (LOINC 44260-8) on its own, so that a safety signal can be searched by code.
 */
export function toOutcomeObservations(
  instrument: Instrument,
  scored: ScoredResponse,
  context: ObservationContext,
): Observation[] {
  const common = {
    resourceType: 'Observation' as const,
    status: 'final' as const,
    category: [SURVEY],
    subject: context.subject,
    effectiveDateTime: context.effective,
    ...(context.performer?.length ? { performer: [...context.performer] } : {}),
    derivedFrom: [context.questionnaireResponse],
    ...(context.encounter ? { encounter: context.encounter } : {}),
  };
  const total: Observation = {
    ...common,
    code: concept(instrument.totalCode),
    valueQuantity: score(scored.total),
    ...(scored.band
      ? { interpretation: [{ ...concept(scored.band.code), text: scored.band.code.display }] }
      : {}),
    ...(instrument.reportedScore
      ? { component: [{ code: { coding: [SWEMWBS_RAW] }, valueQuantity: score(scored.raw) }] }
      : {}),
  };
  const item9 = scored.answers.find((answer) => answer.linkId === PHQ9_ITEM_9)?.answer;
  if (instrument.id !== 'phq-9' || !item9) {
    return [total];
  }
  const item9Observation: Observation = {
    ...common,
    code: {
      coding: [
        {
          system: LOINC,
          code: PHQ9_ITEM_9,
          display: 'Thoughts that you would be better off dead, or of hurting yourself in some way',
        },
      ],
    },
    valueCodeableConcept: concept(item9),
  };
  return [total, item9Observation];
}
