import type { AnswerOption } from './instrument.js';
import { LOINC, OUTCOME_ANSWER_SYSTEM } from './systems.js';

/** Options of one system scored in order, the first scoring `first`. */
const scale = (system: string, first: number, options: readonly (readonly [string, string])[]) =>
  options.map(([code, display], i): AnswerOption => ({ system, code, display, score: first + i }));

/** LOINC answer list LL358-3, the PHQ-9 and GAD-7 answers, scored 0–3. */
export const OVER_THE_LAST_TWO_WEEKS = scale(LOINC, 0, [
  ['LA6568-5', 'Not at all'],
  ['LA6569-3', 'Several days'],
  ['LA6570-1', 'More than half the days'],
  ['LA6571-9', 'Nearly every day'],
]);

/** SWEMWBS answers, scored 1–5 (PeerBridge outcome-answer codes: no LOINC list confirmed). */
export const SWEMWBS_FREQUENCY = scale(OUTCOME_ANSWER_SYSTEM, 1, [
  ['none-of-the-time', 'None of the time'],
  ['rarely', 'Rarely'],
  ['some-of-the-time', 'Some of the time'],
  ['often', 'Often'],
  ['all-of-the-time', 'All of the time'],
]);

/** Three-Item Loneliness Scale answers, scored 1–3. */
export const LONELINESS_FREQUENCY = scale(OUTCOME_ANSWER_SYSTEM, 1, [
  ['hardly-ever', 'Hardly ever'],
  ['some-of-the-time', 'Some of the time'],
  ['often', 'Often'],
]);

/** QPR-15 answers, scored 0–4. */
export const AGREEMENT = scale(OUTCOME_ANSWER_SYSTEM, 0, [
  ['disagree-strongly', 'Disagree strongly'],
  ['disagree', 'Disagree'],
  ['neither-agree-nor-disagree', 'Neither agree nor disagree'],
  ['agree', 'Agree'],
  ['agree-strongly', 'Agree strongly'],
]);
