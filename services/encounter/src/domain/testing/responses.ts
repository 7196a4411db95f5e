import type { QuestionnaireResponse, QuestionnaireResponseItem } from '@medplum/fhirtypes';
import type { Instrument } from '../instruments/index.js';

/**
 * Test data: a completed QuestionnaireResponse to `instrument` answering each scored item, in
 * order, with the option of the given score, coded as the Questionnaire codes it.
 */
export function responseWithScores(instrument: Instrument, scores: readonly number[]): QuestionnaireResponse {
  const scored = instrument.items.filter((item) => item.scored);
  if (scores.length !== scored.length) {
    throw new Error(`${instrument.id} has ${scored.length} scored items, ${scores.length} scores given`);
  }
  return {
    resourceType: 'QuestionnaireResponse',
    questionnaire: instrument.canonical,
    status: 'completed',
    subject: { reference: 'Patient/p1' },
    item: scored.map((item, i): QuestionnaireResponseItem => {
      const option = item.answers.find((candidate) => candidate.score === scores[i]);
      if (!option) {
        throw new Error(`${item.linkId} has no answer scored ${scores[i]}`);
      }
      const { system, code, display } = option;
      return { linkId: item.linkId, answer: [{ valueCoding: { system, code, display } }] };
    }),
  };
}

/** Scores for `count` items, each at most `max`, adding up to `total` (front-loaded). */
export function scoresAddingUpTo(total: number, count: number, max: number, min = 0): number[] {
  let left = total - min * count;
  return Array.from({ length: count }, () => {
    const score = Math.min(max - min, left);
    left -= score;
    return min + score;
  });
}

/** The response with item `linkId`'s item replaced (or removed when `item` is undefined). */
export function withItem(
  response: QuestionnaireResponse,
  linkId: string,
  item: QuestionnaireResponseItem | undefined,
): QuestionnaireResponse {
  const items = response.item ?? [];
  return {
    ...response,
    item: item
      ? items.map((candidate) => (candidate.linkId === linkId ? item : candidate))
      : items.filter((candidate) => candidate.linkId !== linkId),
  };
}
