import type { Coding, QuestionnaireResponseItemAnswer } from '@medplum/fhirtypes';
import type { AnswerOption, InstrumentItem } from './instruments/index.js';

const ORDINAL_VALUE = 'http://hl7.org/fhir/StructureDefinition/ordinalValue';

/** The option an answer chose, or why it matches none. */
export type AnswerMatch = { readonly option: AnswerOption } | { readonly refusal: string };

/**
 * Reads one answer the ways published forms send it: a coding of one of the options (by code,
 * with the option's system or none), one of LOINC's alternative codes for an option, a coding of
 * the form's own with an `ordinalValue` that is one of the scores, or the score itself as
 * valueInteger (or a whole valueDecimal). A code and an ordinalValue that disagree are refused,
 * never guessed between.
 */
export function matchAnswer(item: InstrumentItem, answer: QuestionnaireResponseItemAnswer): AnswerMatch {
  if (answer.valueCoding) {
    return matchCoding(item, answer.valueCoding);
  }
  const number = answer.valueInteger ?? answer.valueDecimal;
  if (number !== undefined) {
    return byScore(item, number, `${number} is not the score of any answer of ${item.linkId}`);
  }
  return { refusal: `Answer ${item.linkId} with one of its answer options (valueCoding or valueInteger)` };
}

function matchCoding(item: InstrumentItem, coding: Coding): AnswerMatch {
  const ordinal = ordinalOf(coding);
  const known = [...item.answers, ...(item.alternativeAnswers ?? [])].find(
    (option) =>
      option.code === coding.code && (coding.system === undefined || coding.system === option.system),
  );
  if (known) {
    if (ordinal !== undefined && ordinal !== known.score) {
      return {
        refusal: `Answer ${coding.code} of ${item.linkId} scores ${known.score}, but its ordinalValue says ${ordinal}`,
      };
    }
    // An alternative code scores as the option it stands for.
    return { option: item.answers.find((option) => option.score === known.score) ?? known };
  }
  if (ordinal !== undefined) {
    return byScore(item, ordinal, `ordinalValue ${ordinal} is not the score of any answer of ${item.linkId}`);
  }
  const named = coding.code ?? `"${coding.display ?? ''}" (no code)`;
  return {
    refusal: `${coding.system ? `${coding.system}|` : ''}${named} is not an answer option of ${item.linkId}`,
  };
}

function byScore(item: InstrumentItem, score: number, refusal: string): AnswerMatch {
  // An item that is not scored has no scores to match, so only its codes answer it.
  const option = item.answers.find((candidate) => candidate.score !== undefined && candidate.score === score);
  return option ? { option } : { refusal };
}

function ordinalOf(coding: Coding): number | undefined {
  const extension = coding.extension?.find((e) => e.url === ORDINAL_VALUE);
  return extension?.valueDecimal ?? extension?.valueInteger;
}
