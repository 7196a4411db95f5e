import type { QuestionnaireResponse, QuestionnaireResponseItem } from '@medplum/fhirtypes';
import { matchAnswer } from './answer-score.js';
import {
  bandOf,
  instrumentForCanonical,
  PHQ9_ITEM_9,
  type AnswerOption,
  type Band,
  type Instrument,
  type InstrumentId,
  type InstrumentItem,
} from './instruments/index.js';
import type { ScoringProblem } from './scoring-problem.js';

export interface ItemScore {
  readonly linkId: string;
  /** The option chosen, as the Questionnaire codes it (whatever code or ordinal the form sent). */
  readonly answer: AnswerOption;
}

export interface ScoredResponse {
  readonly kind: 'scored';
  readonly instrument: InstrumentId;
  /** The reported total: the sum of the scored items, for SWEMWBS converted to the metric score. */
  readonly total: number;
  /** The sum of the scored items before any conversion (SWEMWBS's raw score). */
  readonly raw: number;
  /** Undefined for instruments whose authors publish no bands. */
  readonly band?: Band;
  /** PHQ-9 item 9 (LOINC 44260-8), 0–3; undefined for other instruments. */
  readonly item9?: number;
  readonly answers: readonly ItemScore[];
}

export interface UnscorableResponse {
  readonly kind: 'unscorable';
  readonly problems: readonly ScoringProblem[];
  /**
   * PHQ-9 item 9 when it was itself answered validly, even though the response as a whole cannot
   * be scored: a safety signal must not be lost to an unrelated missing item.
   */
  readonly item9?: number;
}

export type ScoringResult = ScoredResponse | UnscorableResponse;

/**
 * Checks a QuestionnaireResponse against its instrument and scores it exactly as published: every
 * required item answered once, every answer one of the item's options, no unknown item. Any
 * problem makes the whole response unscorable (each problem naming the item), never a partial or
 * guessed total.
 */
export function scoreResponse(instrument: Instrument, response: QuestionnaireResponse): ScoringResult {
  const problems: ScoringProblem[] = [];
  const chosen = new Map<string, AnswerOption>();
  const seen = new Set<string>();

  if (response.questionnaire && instrumentForCanonical(response.questionnaire) !== instrument) {
    problems.push({
      code: 'invalid',
      expression: 'QuestionnaireResponse.questionnaire',
      text: `The response is to ${response.questionnaire}, not to ${instrument.canonical}|${instrument.version}`,
    });
  }
  (response.item ?? []).forEach((responseItem, index) => {
    const path = `QuestionnaireResponse.item[${index}]`;
    if (seen.has(responseItem.linkId)) {
      problems.push({
        code: 'duplicate',
        expression: path,
        text: `Item ${responseItem.linkId} is answered twice`,
      });
      return;
    }
    seen.add(responseItem.linkId);
    problems.push(...readItem(instrument, responseItem, path, chosen));
  });
  for (const item of instrument.items) {
    if (item.required && !seen.has(item.linkId)) {
      problems.push({
        code: 'required',
        expression: `QuestionnaireResponse.item.where(linkId='${item.linkId}')`,
        text: `Required item ${item.linkId} is not answered`,
      });
    }
  }

  const item9 = instrument.id === 'phq-9' ? chosen.get(PHQ9_ITEM_9)?.score : undefined;
  if (problems.length > 0) {
    return { kind: 'unscorable', problems, ...(item9 !== undefined ? { item9 } : {}) };
  }
  return total(instrument, chosen, item9);
}

function readItem(
  instrument: Instrument,
  responseItem: QuestionnaireResponseItem,
  path: string,
  chosen: Map<string, AnswerOption>,
): ScoringProblem[] {
  const answers = responseItem.answer ?? [];
  if (instrument.displayLinkIds.includes(responseItem.linkId)) {
    return answers.length > 0 || responseItem.item?.length
      ? [
          {
            code: 'invalid',
            expression: `${path}.answer[0]`,
            text: `Item ${responseItem.linkId} only shows text`,
          },
        ]
      : [];
  }
  const item = instrument.items.find((candidate) => candidate.linkId === responseItem.linkId);
  if (!item) {
    return [
      {
        code: 'not-found',
        expression: `${path}.linkId`,
        text: `Item ${responseItem.linkId} is not an item of ${instrument.title}`,
      },
    ];
  }
  const problems: ScoringProblem[] = [];
  if (responseItem.item?.length) {
    problems.push({
      code: 'invalid',
      expression: `${path}.item[0]`,
      text: `Item ${item.linkId} has no sub-items`,
    });
  }
  if (answers.length === 0) {
    return item.required
      ? [
          ...problems,
          {
            code: 'required',
            expression: `${path}.answer`,
            text: `Required item ${item.linkId} is not answered`,
          },
        ]
      : problems;
  }
  if (answers.length > 1) {
    problems.push({
      code: 'value',
      expression: `${path}.answer[1]`,
      text: `Item ${item.linkId} takes one answer`,
    });
  }
  const match = matchAnswer(item, answers[0]!);
  if ('refusal' in match) {
    problems.push({ code: codeOfRefusal(answers[0]!), expression: `${path}.answer[0]`, text: match.refusal });
  } else if (problems.length === 0) {
    chosen.set(item.linkId, match.option);
  }
  return problems;
}

function total(
  instrument: Instrument,
  chosen: Map<string, AnswerOption>,
  item9: number | undefined,
): ScoredResponse {
  const scored = instrument.items.filter((item) => item.scored);
  const raw = scored.reduce((sum, item) => sum + scoreOf(item, chosen), 0);
  const reported = instrument.reportedScore ? instrument.reportedScore(raw) : raw;
  const band = bandOf(instrument, reported);
  return {
    kind: 'scored',
    instrument: instrument.id,
    total: reported,
    raw,
    ...(band ? { band } : {}),
    ...(item9 !== undefined ? { item9 } : {}),
    answers: instrument.items.flatMap((item) => {
      const answer = chosen.get(item.linkId);
      return answer ? [{ linkId: item.linkId, answer }] : [];
    }),
  };
}

function scoreOf(item: InstrumentItem, chosen: Map<string, AnswerOption>): number {
  const score = chosen.get(item.linkId)?.score;
  if (score === undefined) {
    // Every scored item is required and checked above; reaching here is a programming error.
    throw new Error(`Scored item ${item.linkId} has no score`);
  }
  return score;
}

function codeOfRefusal(answer: { valueCoding?: unknown }): ScoringProblem['code'] {
  return answer.valueCoding ? 'code-invalid' : 'value';
}
