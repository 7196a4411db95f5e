import { describe, expect, it } from '@jest/globals';
import { OperationOutcomeError } from '@peerbridge/shared';
import { authoredAt, requestExpression, responseItems } from './outcome-request.js';

describe('recordOutcome requests', () => {
  it('when answers are given as codings and scores, then each becomes one item with one answer, in order', () => {
    expect(
      responseItems([
        { linkId: 'a', valueCoding: { system: 'http://loinc.org', code: 'LA6568-5' } },
        { linkId: 'b', value: 2 },
      ]),
    ).toEqual([
      { linkId: 'a', answer: [{ valueCoding: { system: 'http://loinc.org', code: 'LA6568-5' } }] },
      { linkId: 'b', answer: [{ valueInteger: 2 }] },
    ]);
  });

  it.each([
    ['QuestionnaireResponse.item[3].answer[0]', 'answers[3]'],
    ['QuestionnaireResponse.item[12].answer[1]', 'answers[12]'],
    ['QuestionnaireResponse.item[9].linkId', 'answers[9].linkId'],
    ["QuestionnaireResponse.item.where(linkId='44260-8')", 'answers'],
    ['QuestionnaireResponse.questionnaire', 'questionnaire'],
  ])('when a scoring problem is at %s, then the request field is %s', (expression, field) => {
    expect(requestExpression({ code: 'invalid', expression, text: 'x' })).toBe(field);
  });

  it('when authored is absent, then it is now; in the past, as given; in the future, 400 at authored', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    expect(authoredAt(undefined, now)).toBe('2026-12-01T12:00:00.000Z');
    expect(authoredAt('2026-12-01T11:59:59Z', now)).toBe('2026-12-01T11:59:59Z');
    const refused = (() => {
      try {
        authoredAt('2026-12-01T12:00:01Z', now);
      } catch (error) {
        return error;
      }
    })() as OperationOutcomeError;
    expect(refused.status).toBe(400);
    expect(refused.outcome.issue?.[0]?.expression).toEqual(['authored']);
  });
});
