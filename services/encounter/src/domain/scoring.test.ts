import { describe, expect, it } from '@jest/globals';
import type { QuestionnaireResponse, QuestionnaireResponseItemAnswer } from '@medplum/fhirtypes';
import { GAD_7, PHQ_9, QPR_15, SWEMWBS, UCLA_3, type Instrument } from './instruments/index.js';
import { scoreResponse, type ScoredResponse, type UnscorableResponse } from './scoring.js';
import { scoringIssues } from './scoring-problem.js';
import { responseWithScores, scoresAddingUpTo, withItem } from './testing/responses.js';

const LOINC = 'http://loinc.org';
const ORDINAL_VALUE = 'http://hl7.org/fhir/StructureDefinition/ordinalValue';

function scored(instrument: Instrument, response: QuestionnaireResponse): ScoredResponse {
  const result = scoreResponse(instrument, response);
  if (result.kind !== 'scored') {
    throw new Error(`expected a score, got ${JSON.stringify(result.problems)}`);
  }
  return result;
}

function unscorable(instrument: Instrument, response: QuestionnaireResponse): UnscorableResponse {
  const result = scoreResponse(instrument, response);
  if (result.kind !== 'unscorable') {
    throw new Error(`expected problems, got a total of ${result.total}`);
  }
  return result;
}

/** A PHQ-9 of all zeros whose item `linkId` is answered with `answer`. */
const phq9Answering = (linkId: string, answer: QuestionnaireResponseItemAnswer) =>
  withItem(responseWithScores(PHQ_9, Array(9).fill(0)), linkId, { linkId, answer: [answer] });
const gad7Answering = (linkId: string, answer: QuestionnaireResponseItemAnswer) =>
  withItem(responseWithScores(GAD_7, Array(7).fill(0)), linkId, { linkId, answer: [answer] });

describe('scoring PHQ-9 and GAD-7 into their bands', () => {
  it.each([
    [0, 'phq-9-none-minimal'],
    [4, 'phq-9-none-minimal'],
    [5, 'phq-9-mild'],
    [9, 'phq-9-mild'],
    [10, 'phq-9-moderate'],
    [14, 'phq-9-moderate'],
    [15, 'phq-9-moderately-severe'],
    [19, 'phq-9-moderately-severe'],
    [20, 'phq-9-severe'],
    [27, 'phq-9-severe'],
  ])('when the PHQ-9 items add up to %i, then the total is that, in band %s', (total, band) => {
    const result = scored(PHQ_9, responseWithScores(PHQ_9, scoresAddingUpTo(total, 9, 3)));
    expect(result).toMatchObject({ instrument: 'phq-9', total, raw: total });
    expect(result.band?.code.code).toBe(band);
  });

  it.each([
    [0, 'gad-7-minimal'],
    [4, 'gad-7-minimal'],
    [5, 'gad-7-mild'],
    [9, 'gad-7-mild'],
    [10, 'gad-7-moderate'],
    [14, 'gad-7-moderate'],
    [15, 'gad-7-severe'],
    [21, 'gad-7-severe'],
  ])('when the GAD-7 items add up to %i, then the total is that, in band %s', (total, band) => {
    const result = scored(GAD_7, responseWithScores(GAD_7, scoresAddingUpTo(total, 7, 3)));
    expect(result).toMatchObject({ instrument: 'gad-7', total, raw: total });
    expect(result.band?.code.code).toBe(band);
    expect(result.item9).toBeUndefined();
  });

  it('when the PHQ-9 difficulty question is answered "Extremely difficult", then it is not added to the total', () => {
    const response = responseWithScores(PHQ_9, [1, 1, 1, 1, 1, 1, 1, 1, 0]);
    response.item!.push({
      linkId: '69722-7',
      answer: [{ valueCoding: { system: LOINC, code: 'LA6574-3', display: 'Extremely difficult' } }],
    });
    expect(scored(PHQ_9, response).total).toBe(8);
  });
});

describe('scoring SWEMWBS, UCLA-3 and QPR-15', () => {
  it.each([
    [7, 7.0],
    [21, 19.25],
    [35, 35.0],
  ])(
    'when the SWEMWBS raw score is %i, then the total is the metric score %d and the raw score is kept',
    (raw, metric) => {
      const result = scored(SWEMWBS, responseWithScores(SWEMWBS, scoresAddingUpTo(raw, 7, 5, 1)));
      expect(result).toMatchObject({ total: metric, raw });
      expect(result.band).toBeUndefined();
    },
  );

  it.each([3, 6, 9])('when the UCLA-3 items add up to %i, then that is the total', (total) => {
    expect(scored(UCLA_3, responseWithScores(UCLA_3, scoresAddingUpTo(total, 3, 3, 1)))).toMatchObject({
      total,
      raw: total,
    });
  });

  it.each([0, 31, 60])('when the QPR-15 items add up to %i, then that is the total', (total) => {
    expect(scored(QPR_15, responseWithScores(QPR_15, scoresAddingUpTo(total, 15, 4))).total).toBe(total);
  });
});

describe('PHQ-9 item 9 (44260-8)', () => {
  it.each([0, 1, 2, 3])('when item 9 is answered %i, then the result carries that as item9', (answer) => {
    const result = scored(PHQ_9, responseWithScores(PHQ_9, [0, 0, 0, 0, 0, 0, 0, 0, answer]));
    expect(result.item9).toBe(answer);
    expect(result.total).toBe(answer);
  });

  it('when item 9 is missing, then the response is unscorable, the problem names item 9 and no item9 is reported', () => {
    const result = unscorable(
      PHQ_9,
      withItem(responseWithScores(PHQ_9, Array(9).fill(1)), '44260-8', undefined),
    );
    expect(result.problems).toEqual([
      {
        code: 'required',
        expression: "QuestionnaireResponse.item.where(linkId='44260-8')",
        text: 'Required item 44260-8 is not answered',
      },
    ]);
    expect(result.item9).toBeUndefined();
  });

  it('when item 9 is answered 2 but item 1 is missing, then the response is unscorable yet item9 = 2 is still reported', () => {
    const result = unscorable(
      PHQ_9,
      withItem(responseWithScores(PHQ_9, [0, 0, 0, 0, 0, 0, 0, 0, 2]), '44250-9', undefined),
    );
    expect(result.problems.map((p) => p.expression)).toEqual([
      "QuestionnaireResponse.item.where(linkId='44250-9')",
    ]);
    expect(result.item9).toBe(2);
  });
});

describe('answers as published forms send them', () => {
  it('when GAD-7 item 2 is answered with LOINC\'s alternative LA18938-3 "More days than not", then it scores 2 as "More than half the days"', () => {
    const result = scored(
      GAD_7,
      gad7Answering('68509-9', {
        valueCoding: { system: LOINC, code: 'LA18938-3', display: 'More days than not' },
      }),
    );
    expect(result.total).toBe(2);
    expect(result.answers.find((a) => a.linkId === '68509-9')?.answer.code).toBe('LA6570-1');
  });

  it('when another GAD-7 item is answered LA18938-3, then it is refused: the alternative belongs to item 2 only', () => {
    const response = gad7Answering('69725-0', { valueCoding: { system: LOINC, code: 'LA18938-3' } });
    expect(unscorable(GAD_7, response).problems).toEqual([
      {
        code: 'code-invalid',
        expression: 'QuestionnaireResponse.item[0].answer[0]',
        text: 'http://loinc.org|LA18938-3 is not an answer option of 69725-0',
      },
    ]);
  });

  it('when an answer code has no system, then it is matched by its code alone', () => {
    expect(scored(PHQ_9, phq9Answering('44250-9', { valueCoding: { code: 'LA6571-9' } })).total).toBe(3);
  });

  it('when an answer uses the LOINC code under another system, then the code does not match and it is refused', () => {
    const response = phq9Answering('44250-9', {
      valueCoding: { system: 'http://example.org/phq', code: 'LA6571-9' },
    });
    expect(unscorable(PHQ_9, response).problems.map((p) => p.expression)).toEqual([
      'QuestionnaireResponse.item[0].answer[0]',
    ]);
  });

  it("when a form's own code carries an ordinalValue of 2, then the answer scores 2", () => {
    const answer = {
      valueCoding: {
        system: 'http://example.org/forms/phq9',
        code: 'more-than-half',
        extension: [{ url: ORDINAL_VALUE, valueDecimal: 2 }],
      },
    };
    expect(scored(PHQ_9, phq9Answering('44255-8', answer)).total).toBe(2);
  });

  it('when an ordinalValue is not the score of any option, then the answer is refused', () => {
    const answer = { valueCoding: { code: 'x', extension: [{ url: ORDINAL_VALUE, valueDecimal: 4 }] } };
    expect(unscorable(PHQ_9, phq9Answering('44255-8', answer)).problems).toEqual([
      {
        code: 'code-invalid',
        expression: 'QuestionnaireResponse.item[1].answer[0]',
        text: 'ordinalValue 4 is not the score of any answer of 44255-8',
      },
    ]);
  });

  it('when a LOINC answer code and its ordinalValue disagree, then the answer is refused rather than either being trusted', () => {
    const answer = {
      valueCoding: { system: LOINC, code: 'LA6569-3', extension: [{ url: ORDINAL_VALUE, valueDecimal: 3 }] },
    };
    expect(unscorable(PHQ_9, phq9Answering('44255-8', answer)).problems[0]).toMatchObject({
      expression: 'QuestionnaireResponse.item[1].answer[0]',
      text: 'Answer LA6569-3 of 44255-8 scores 1, but its ordinalValue says 3',
    });
  });

  it('when an answer coding has only a display, then it is refused: wording is not matched', () => {
    const response = phq9Answering('44250-9', { valueCoding: { display: 'Nearly every day' } });
    expect(unscorable(PHQ_9, response).problems).toEqual([
      {
        code: 'code-invalid',
        expression: 'QuestionnaireResponse.item[0].answer[0]',
        text: '"Nearly every day" (no code) is not an answer option of 44250-9',
      },
    ]);
  });

  it('when an answer is sent as valueInteger 3, then it scores 3', () => {
    expect(scored(PHQ_9, phq9Answering('44259-0', { valueInteger: 3 })).total).toBe(3);
  });

  it.each([
    [{ valueInteger: 4 }, 'value'],
    [{ valueDecimal: 1.5 }, 'value'],
    [{ valueString: 'Several days' }, 'value'],
  ])('when an answer is %j, then it is refused at that answer', (answer, code) => {
    expect(unscorable(PHQ_9, phq9Answering('44259-0', answer)).problems).toEqual([
      expect.objectContaining({ code, expression: 'QuestionnaireResponse.item[2].answer[0]' }),
    ]);
  });

  it('when the difficulty question is answered by ordinal only, then it is refused: its options have no scores', () => {
    const response = responseWithScores(PHQ_9, Array(9).fill(0));
    response.item!.push({ linkId: '69722-7', answer: [{ valueInteger: 1 }] });
    expect(unscorable(PHQ_9, response).problems.map((p) => p.expression)).toEqual([
      'QuestionnaireResponse.item[9].answer[0]',
    ]);
  });
});

describe('responses that cannot be scored', () => {
  it('when a required item is listed without an answer, then the problem points at its answer', () => {
    const response = withItem(responseWithScores(GAD_7, Array(7).fill(1)), '69734-2', { linkId: '69734-2' });
    expect(unscorable(GAD_7, response).problems).toEqual([
      {
        code: 'required',
        expression: 'QuestionnaireResponse.item[3].answer',
        text: 'Required item 69734-2 is not answered',
      },
    ]);
  });

  it('when an answer is not among the options, then the problem names that answer', () => {
    const response = gad7Answering('69736-7', { valueCoding: { system: LOINC, code: 'LA6572-7' } });
    expect(unscorable(GAD_7, response).problems).toEqual([
      {
        code: 'code-invalid',
        expression: 'QuestionnaireResponse.item[6].answer[0]',
        text: 'http://loinc.org|LA6572-7 is not an answer option of 69736-7',
      },
    ]);
  });

  it('when an item has a linkId the instrument does not have, then it is refused at that linkId', () => {
    const response = responseWithScores(UCLA_3, [1, 2, 3]);
    response.item!.push({ linkId: 'ucla-3-lonely', answer: [{ valueInteger: 3 }] });
    expect(unscorable(UCLA_3, response).problems).toEqual([
      {
        code: 'not-found',
        expression: 'QuestionnaireResponse.item[3].linkId',
        text: 'Item ucla-3-lonely is not an item of UCLA-3',
      },
    ]);
  });

  it('when an item is answered twice, then the second is refused', () => {
    const response = responseWithScores(UCLA_3, [1, 2, 3]);
    response.item!.push(response.item![0]!);
    expect(unscorable(UCLA_3, response).problems).toEqual([
      {
        code: 'duplicate',
        expression: 'QuestionnaireResponse.item[3]',
        text: 'Item 66855-8 is answered twice',
      },
    ]);
  });

  it('when an item has two answers, then the second is refused', () => {
    const response = responseWithScores(UCLA_3, [1, 2, 3]);
    response.item![1]!.answer!.push({ valueInteger: 1 });
    expect(unscorable(UCLA_3, response).problems.map((p) => p.expression)).toEqual([
      'QuestionnaireResponse.item[1].answer[1]',
    ]);
  });

  it('when several items are wrong, then every problem is listed, each naming its item', () => {
    const response = withItem(responseWithScores(SWEMWBS, Array(7).fill(3)), 'swemwbs-2', {
      linkId: 'swemwbs-2',
      answer: [{ valueInteger: 0 }],
    });
    const withoutLast = withItem(response, 'swemwbs-7', undefined);
    expect(unscorable(SWEMWBS, withoutLast).problems.map((p) => p.expression)).toEqual([
      'QuestionnaireResponse.item[1].answer[0]',
      "QuestionnaireResponse.item.where(linkId='swemwbs-7')",
    ]);
  });

  it('when the response is to another Questionnaire, then it is refused at questionnaire', () => {
    const response = { ...responseWithScores(GAD_7, Array(7).fill(0)), questionnaire: PHQ_9.canonical };
    expect(unscorable(GAD_7, response).problems.map((p) => p.expression)).toEqual([
      'QuestionnaireResponse.questionnaire',
    ]);
  });

  it('when the instructions item is listed without an answer, then it is accepted; with one, it is refused', () => {
    const response = responseWithScores(GAD_7, Array(7).fill(0));
    response.item!.unshift({ linkId: 'instructions' });
    expect(scored(GAD_7, response).total).toBe(0);
    response.item![0] = { linkId: 'instructions', answer: [{ valueString: 'ok' }] };
    expect(unscorable(GAD_7, response).problems.map((p) => p.expression)).toEqual([
      'QuestionnaireResponse.item[0].answer[0]',
    ]);
  });

  it('when the problems are turned into OperationOutcome issues, then each keeps its code, text and expression', () => {
    const result = unscorable(
      PHQ_9,
      withItem(responseWithScores(PHQ_9, Array(9).fill(0)), '44260-8', undefined),
    );
    expect(scoringIssues(result.problems, 'warning')).toEqual([
      {
        severity: 'warning',
        code: 'required',
        details: { text: 'Required item 44260-8 is not answered' },
        expression: ["QuestionnaireResponse.item.where(linkId='44260-8')"],
      },
    ]);
  });
});
