import type { QuestionnaireResponseItem } from '@medplum/fhirtypes';
import { badRequest } from '@peerbridge/shared';
import type { ScoringProblem } from './scoring-problem.js';

/** One answer as the REST API takes it: an answer option's coding, or its score. */
export interface OutcomeAnswer {
  readonly linkId: string;
  readonly valueCoding?: { readonly system?: string; readonly code: string; readonly display?: string };
  readonly value?: number;
}

/** What `recordOutcome` is asked to record. */
export interface OutcomeRequest {
  readonly referralId: string;
  /** The instrument's Questionnaire canonical, optionally `|version`. */
  readonly questionnaire: string;
  readonly answers: readonly OutcomeAnswer[];
  readonly sessionId?: string;
  readonly authored?: string;
}

/** The answers as QuestionnaireResponse items, in the order given (item[i] is answers[i]). */
export function responseItems(answers: readonly OutcomeAnswer[]): QuestionnaireResponseItem[] {
  return answers.map(({ linkId, valueCoding, value }) => ({
    linkId,
    answer: [valueCoding ? { valueCoding: { ...valueCoding } } : { valueInteger: value }],
  }));
}

/** When it was answered: now when not given, never in the future (400 `authored`). */
export function authoredAt(authored: string | undefined, now: Date): string {
  if (authored === undefined) {
    return now.toISOString();
  }
  if (Date.parse(authored) > now.getTime()) {
    throw badRequest('authored must not be in the future', 'authored');
  }
  return authored;
}

/**
 * A scoring problem's FHIRPath into the QuestionnaireResponse, restated as the field of the
 * request it came from: `QuestionnaireResponse.item[2].answer[0]` is `answers[2]`, a missing
 * required item is `answers` (its text names the item).
 */
export function requestExpression(problem: ScoringProblem): string {
  const item = /^QuestionnaireResponse\.item\[(\d+)\](\.linkId)?/.exec(problem.expression);
  if (item) {
    return `answers[${item[1]}]${item[2] ?? ''}`;
  }
  if (problem.expression.startsWith('QuestionnaireResponse.item')) {
    return 'answers';
  }
  return 'questionnaire';
}
