import type { QuestionnaireResponse } from '@medplum/fhirtypes';

export const PHQ9_URL = 'https://peerbridge.org/fhir/Questionnaire/phq-9';
export const GAD7_URL = 'https://peerbridge.org/fhir/Questionnaire/gad-7';
/** PHQ-9 items 1–9 (LOINC), item 9 (44260-8) last. */
export const PHQ9_ITEMS = [
  '44250-9',
  '44255-8',
  '44259-0',
  '44254-1',
  '44251-7',
  '44258-2',
  '44252-5',
  '44253-3',
  '44260-8',
] as const;
export const GAD7_ITEMS = [
  '69725-0',
  '68509-9',
  '69733-4',
  '69734-2',
  '69735-9',
  '69689-8',
  '69736-7',
] as const;

/**
 * Answers as scores whose sum is `total`, filled from the first item, each 0–3; the last item
 * (PHQ-9 item 9) is kept at `last` (0 unless told).
 */
export function answersSumming(
  items: readonly string[],
  total: number,
  last = 0,
): { linkId: string; value: number }[] {
  let left = total - last;
  return items.map((linkId, index) => {
    if (index === items.length - 1) {
      return { linkId, value: last };
    }
    const value = Math.min(3, left);
    left -= value;
    return { linkId, value };
  });
}

/** The recordOutcome body of a PHQ-9 scoring `total` for the referral. */
export function phq9Outcome(referralId: string, total: number, extra: Record<string, unknown> = {}) {
  return { referralId, questionnaire: PHQ9_URL, answers: answersSumming(PHQ9_ITEMS, total), ...extra };
}

export function gad7Outcome(referralId: string, total: number, extra: Record<string, unknown> = {}) {
  return { referralId, questionnaire: GAD7_URL, answers: answersSumming(GAD7_ITEMS, total), ...extra };
}

/** A completed PHQ-9 QuestionnaireResponse as a FHIR client sends it (item 9 = 0). */
export function phq9Response(patient: string, total: number, extra: Partial<QuestionnaireResponse> = {}) {
  return {
    resourceType: 'QuestionnaireResponse',
    questionnaire: `${PHQ9_URL}|1.0.0`,
    status: 'completed',
    subject: { reference: patient },
    authored: '2026-11-20T10:00:00Z',
    item: answersSumming(PHQ9_ITEMS, total).map(({ linkId, value }) => ({
      linkId,
      answer: [{ valueInteger: value }],
    })),
    ...extra,
  } as QuestionnaireResponse;
}
