import type { AnswerOption } from './instrument.js';
import { LOINC, OUTCOME_ANSWER_SYSTEM } from './systems.js';

/** LOINC answer list LL358-3, the PHQ-9 and GAD-7 answers, scored 0–3. */
export const OVER_THE_LAST_TWO_WEEKS: readonly AnswerOption[] = [
  { system: LOINC, code: 'LA6568-5', display: 'Not at all', score: 0 },
  { system: LOINC, code: 'LA6569-3', display: 'Several days', score: 1 },
  { system: LOINC, code: 'LA6570-1', display: 'More than half the days', score: 2 },
  { system: LOINC, code: 'LA6571-9', display: 'Nearly every day', score: 3 },
];

/** SWEMWBS answers, scored 1–5 (PeerBridge outcome-answer codes: no LOINC list confirmed). */
export const SWEMWBS_FREQUENCY: readonly AnswerOption[] = [
  { system: OUTCOME_ANSWER_SYSTEM, code: 'none-of-the-time', display: 'None of the time', score: 1 },
  { system: OUTCOME_ANSWER_SYSTEM, code: 'rarely', display: 'Rarely', score: 2 },
  { system: OUTCOME_ANSWER_SYSTEM, code: 'some-of-the-time', display: 'Some of the time', score: 3 },
  { system: OUTCOME_ANSWER_SYSTEM, code: 'often', display: 'Often', score: 4 },
  { system: OUTCOME_ANSWER_SYSTEM, code: 'all-of-the-time', display: 'All of the time', score: 5 },
];

/** Three-Item Loneliness Scale answers, scored 1–3. */
export const LONELINESS_FREQUENCY: readonly AnswerOption[] = [
  { system: OUTCOME_ANSWER_SYSTEM, code: 'hardly-ever', display: 'Hardly ever', score: 1 },
  { system: OUTCOME_ANSWER_SYSTEM, code: 'some-of-the-time', display: 'Some of the time', score: 2 },
  { system: OUTCOME_ANSWER_SYSTEM, code: 'often', display: 'Often', score: 3 },
];

/** QPR-15 answers, scored 0–4. */
export const AGREEMENT: readonly AnswerOption[] = [
  { system: OUTCOME_ANSWER_SYSTEM, code: 'disagree-strongly', display: 'Disagree strongly', score: 0 },
  { system: OUTCOME_ANSWER_SYSTEM, code: 'disagree', display: 'Disagree', score: 1 },
  {
    system: OUTCOME_ANSWER_SYSTEM,
    code: 'neither-agree-nor-disagree',
    display: 'Neither agree nor disagree',
    score: 2,
  },
  { system: OUTCOME_ANSWER_SYSTEM, code: 'agree', display: 'Agree', score: 3 },
  { system: OUTCOME_ANSWER_SYSTEM, code: 'agree-strongly', display: 'Agree strongly', score: 4 },
];
