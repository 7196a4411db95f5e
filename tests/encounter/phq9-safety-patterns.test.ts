import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, Communication, Flag, QuestionnaireResponse } from '@medplum/fhirtypes';
import { careTeamService } from '@peerbridge/care-team';
import { encounterService } from '@peerbridge/encounter';
import { referralService } from '@peerbridge/referral';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';
import { as, userToken } from '../care-team/support/fixtures.js';
import { peerSupporterKnownToSessions, referralWithPeerSupporter } from './support/program.js';
import { answersSumming, PHQ9_ITEMS, PHQ9_URL, phq9Response } from './support/outcomes.js';

// Every class of PHQ-9 item 9 answer (0, 1, 2, 3, not answered), through both ways a response
// arrives (recordOutcome and a FHIR create), with the real SafetyWorkflow: a Flag and its alert
// exist exactly when item 9 is above 0, and they are there when the response's own request
// returns — written in its transaction, not by a later worker.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([referralService, careTeamService, encounterService], {}, { withEvents: true });
});
afterAll(() => t.close());

const ITEM_9 = '44260-8';
type Item9 = 0 | 1 | 2 | 3 | 'missing';

/** The PHQ-9 answers with item 9 as given (left out when 'missing'), total 10 before item 9. */
function answers(item9: Item9) {
  const all = answersSumming(
    PHQ9_ITEMS,
    10 + (item9 === 'missing' ? 0 : item9),
    item9 === 'missing' ? 0 : item9,
  );
  return item9 === 'missing' ? all.filter((answer) => answer.linkId !== ITEM_9) : all;
}

/** Submits the PHQ-9 as the referral's peer supporter; the id of the stored response, if any. */
async function submit(via: 'rest' | 'fhir', item9: Item9) {
  const peer = await peerSupporterKnownToSessions(t);
  const { referralId, patient } = await referralWithPeerSupporter(t, peer);
  const api = as(t, await userToken(peer));
  if (via === 'rest') {
    const res = await api
      .post('/api/encounter/outcomes')
      .send({ referralId, questionnaire: PHQ9_URL, answers: answers(item9) });
    return { patient, status: res.status, responseId: res.body.questionnaireResponse?.reference as string };
  }
  const response: QuestionnaireResponse = {
    ...phq9Response(patient, 0),
    item: answers(item9).map(({ linkId, value }) => ({ linkId, answer: [{ valueInteger: value }] })),
  };
  const res = await api.post('/fhir/QuestionnaireResponse').send(response);
  return { patient, status: res.status, responseId: res.body.id && `QuestionnaireResponse/${res.body.id}` };
}

/** The patient's Flags and alert Communications, read right after the response's request. */
async function safetyRecords(patient: string) {
  const flags: Bundle<Flag> = (await fhirClient(t).get(`/fhir/Flag?patient=${patient}`)).body;
  const alerts: Bundle<Communication> = (
    await fhirClient(t).get(
      `/fhir/Communication?patient=${patient}&category=http://terminology.hl7.org/CodeSystem/communication-category|alert`,
    )
  ).body;
  return {
    flags: (flags.entry ?? []).map((entry) => entry.resource!),
    alerts: (alerts.entry ?? []).map((entry) => entry.resource!),
  };
}

// What each class must produce: the status of the request, and the alert's priority ('none': no
// Flag and no alert; every row has all four values, or jest would pass its `done` callback). recordOutcome refuses an incomplete response whole (400, nothing stored);
// a FHIR create stores it unscored, and a missing item 9 raises nothing.
const PATTERNS: readonly (readonly [via: 'rest' | 'fhir', item9: Item9, status: number, priority: string])[] =
  [
    ['rest', 0, 201, 'none'],
    ['rest', 1, 201, 'urgent'],
    ['rest', 2, 201, 'stat'],
    ['rest', 3, 201, 'stat'],
    ['rest', 'missing', 400, 'none'],
    ['fhir', 0, 201, 'none'],
    ['fhir', 1, 201, 'urgent'],
    ['fhir', 2, 201, 'stat'],
    ['fhir', 3, 201, 'stat'],
    ['fhir', 'missing', 201, 'none'],
  ];

describe('every PHQ-9 item 9 answer class', () => {
  it.each(PATTERNS)(
    'when a PHQ-9 arrives through %s with item 9 = %s, then %i, and a Flag with its alert exist exactly when item 9 is above 0',
    async (via, item9, status, priority) => {
      const { patient, status: answered, responseId } = await submit(via, item9);
      expect(answered).toBe(status);
      const { flags, alerts } = await safetyRecords(patient);
      if (priority === 'none') {
        expect(flags).toEqual([]);
        expect(alerts).toEqual([]);
        return;
      }
      expect(flags).toHaveLength(1);
      expect(flags[0]).toMatchObject({ status: 'active', subject: { reference: patient } });
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.priority).toBe(priority);
      expect(alerts[0]!.about?.map((about) => about.reference).sort()).toEqual(
        [`Flag/${flags[0]!.id}`, responseId].sort(),
      );
      // The alert names the concern, never the answers.
      expect(alerts[0]!.payload).toEqual([
        {
          contentString:
            'PHQ-9 item 9 (thoughts of being better off dead or of self-harm) was answered positively; the care team should review the patient\u2019s safety.',
        },
      ]);
    },
  );
});
