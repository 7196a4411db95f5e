import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, Observation, QuestionnaireResponse } from '@medplum/fhirtypes';
import { careTeamService } from '@peerbridge/care-team';
import { encounterService } from '@peerbridge/encounter';
import { referralService } from '@peerbridge/referral';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';
import { expectValidFhir } from '../referral/support/fhir-validation.js';
import { as, userToken } from '../care-team/support/fixtures.js';
import { expectContract } from './support/contract.js';
import { peerSupporterKnownToSessions, referralWithPeerSupporter } from './support/program.js';
import { PHQ9_ITEMS, PHQ9_URL, phq9Outcome, phq9Response } from './support/outcomes.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([referralService, careTeamService, encounterService], {}, { withEvents: true });
});
afterAll(() => t.close());

const HOUR = 3_600_000;
const past = (hoursAgo: number) => new Date(Date.now() - hoursAgo * HOUR).toISOString();

/** A peer supporter and a referral of theirs, with the agent that acts as them. */
async function peerWithReferral() {
  const peer = await peerSupporterKnownToSessions(t);
  const { referralId, patient } = await referralWithPeerSupporter(t, peer);
  return { peer, referralId, patient, api: as(t, await userToken(peer)) };
}

/** What is stored for the patient: QuestionnaireResponses, Observations and outcome events. */
async function storedFor(patient: string) {
  const responses = await fhirClient(t).get(`/fhir/QuestionnaireResponse?patient=${patient}`);
  const observations = await fhirClient(t).get(`/fhir/Observation?patient=${patient}`);
  return { responses: responses.body.total as number, observations: observations.body.total as number };
}

describe('recordOutcome', () => {
  it('when a peer supporter records a PHQ-9 in a session, then the response, its score Observations and the event are stored, and the score and band come back', async () => {
    const { referralId, patient, api } = await peerWithReferral();
    const session = await api.post('/api/encounter/sessions').send({
      referralId,
      mode: 'in-person',
      start: past(2),
      end: past(1),
    });
    expect(session.status).toBe(201);
    const authored = past(1);
    const res = await api
      .post('/api/encounter/outcomes')
      .send(phq9Outcome(referralId, 12, { sessionId: session.body.id, authored }));
    expectContract(res, 'recordOutcome');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      instrument: 'phq-9',
      score: 12,
      raw: 12,
      band: { code: 'phq-9-moderate', display: 'PHQ-9 moderate depression' },
      safetyFlagRaised: false,
    });
    expect(res.headers.location).toBe(
      `${t.config.publicBaseUrl}/fhir/${res.body.questionnaireResponse.reference}`,
    );

    const response: QuestionnaireResponse = (
      await fhirClient(t).get(`/fhir/${res.body.questionnaireResponse.reference}`)
    ).body;
    expectValidFhir(response);
    expect(response).toMatchObject({
      status: 'completed',
      questionnaire: `${PHQ9_URL}|1.0.0`,
      subject: { reference: patient },
      basedOn: [{ reference: `ServiceRequest/${referralId}` }],
      encounter: { reference: session.body.encounter.reference },
      authored,
      author: { reference: session.body.peerSupporter.practitionerRole },
    });
    expect(response.item?.map((item) => item.linkId)).toEqual([...PHQ9_ITEMS]);

    expect(res.body.observations).toHaveLength(2);
    const [total, item9] = await Promise.all(
      res.body.observations.map(
        async (ref: { reference: string }) =>
          (await fhirClient(t).get(`/fhir/${ref.reference}`)).body as Observation,
      ),
    );
    for (const observation of [total!, item9!]) {
      expectValidFhir(observation);
      expect(observation).toMatchObject({
        status: 'final',
        category: [{ coding: [{ code: 'survey' }] }],
        subject: { reference: patient },
        derivedFrom: [{ reference: res.body.questionnaireResponse.reference }],
        basedOn: [{ reference: `ServiceRequest/${referralId}` }],
        encounter: { reference: session.body.encounter.reference },
        effectiveDateTime: authored,
        performer: [{ reference: session.body.peerSupporter.practitionerRole }],
      });
    }
    expect(total!.code.coding?.[0]).toMatchObject({ system: 'http://loinc.org', code: '44261-6' });
    expect(total!.valueQuantity).toEqual({
      value: 12,
      unit: '{score}',
      system: 'http://unitsofmeasure.org',
      code: '{score}',
    });
    expect(item9!.code.coding?.[0]?.code).toBe('44260-8');
    expect(item9!.valueCodeableConcept?.coding?.[0]?.code).toBe('LA6568-5');

    const [event] = await t.db.query<{ type: string; resources: number }>(
      `SELECT event_type AS type, jsonb_array_length(resources)::int AS resources FROM encounter.event_outbox
        WHERE aggregate_type = 'questionnaire-response' AND aggregate_id = $1`,
      [response.id],
    );
    expect(event).toEqual({ type: 'outcome.recorded', resources: 3 });
  });

  it('when the program records a GAD-7 coded with LOINC answer codes (item 2 in its alternative code), then it scores them', async () => {
    const { referralId } = await peerWithReferral();
    const coded = (linkId: string, code: string) => ({
      linkId,
      valueCoding: { system: 'http://loinc.org', code },
    });
    const res = await fhirClient(t)
      .post('/api/encounter/outcomes')
      .send({
        referralId,
        questionnaire: 'https://peerbridge.org/fhir/Questionnaire/gad-7',
        answers: [
          coded('69725-0', 'LA6571-9'),
          coded('68509-9', 'LA18938-3'),
          ...['69733-4', '69734-2', '69735-9', '69689-8', '69736-7'].map((linkId) =>
            coded(linkId, 'LA6568-5'),
          ),
        ],
      });
    expectContract(res, 'recordOutcome');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ instrument: 'gad-7', score: 5, band: { code: 'gad-7-mild' } });
    expect(res.body.observations).toHaveLength(1);
  });
});

describe('recordOutcome: bad input is refused with the field named, and nothing is stored', () => {
  const cases: [string, number, (referralId: string) => Record<string, unknown>, string[]][] = [
    [
      'an answer outside the options',
      400,
      (referralId) => {
        const body = phq9Outcome(referralId, 5);
        body.answers[2] = { linkId: PHQ9_ITEMS[2], value: 4 };
        return body;
      },
      ['answers[2]'],
    ],
    [
      'a coded answer that is not an option',
      400,
      (referralId) => ({
        ...phq9Outcome(referralId, 5),
        answers: [
          { linkId: PHQ9_ITEMS[0], valueCoding: { system: 'http://loinc.org', code: 'LA6572-7' } },
          ...phq9Outcome(referralId, 5).answers.slice(1),
        ],
      }),
      ['answers[0]'],
    ],
    [
      'an unknown linkId',
      400,
      (referralId) => ({
        ...phq9Outcome(referralId, 5),
        answers: [...phq9Outcome(referralId, 5).answers, { linkId: '99999-9', value: 1 }],
      }),
      ['answers[9].linkId'],
    ],
    [
      'a required item missing',
      400,
      (referralId) => ({
        ...phq9Outcome(referralId, 5),
        answers: phq9Outcome(referralId, 5).answers.slice(1),
      }),
      ['answers'],
    ],
    [
      'an unknown instrument',
      400,
      (referralId) => ({
        ...phq9Outcome(referralId, 5),
        questionnaire: 'https://example.org/Questionnaire/x',
      }),
      ['questionnaire'],
    ],
    [
      'a version of the instrument PeerBridge does not score',
      400,
      (referralId) => ({ ...phq9Outcome(referralId, 5), questionnaire: `${PHQ9_URL}|9.9.9` }),
      ['questionnaire'],
    ],
    [
      'an authored time in the future',
      400,
      (referralId) => phq9Outcome(referralId, 5, { authored: new Date(Date.now() + HOUR).toISOString() }),
      ['authored'],
    ],
    [
      'a session that does not exist',
      404,
      (referralId) => phq9Outcome(referralId, 5, { sessionId: 'no-such-session' }),
      ['sessionId'],
    ],
  ];

  it.each(cases)('when the body has %s, then %i naming it', async (_, status, body, expression) => {
    const { referralId, patient, api } = await peerWithReferral();
    const res = await api.post('/api/encounter/outcomes').send(body(referralId));
    expectContract(res, 'recordOutcome');
    expect(res.status).toBe(status);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue.map((issue: { expression: string[] }) => issue.expression)).toEqual([expression]);
    expect(await storedFor(patient)).toEqual({ responses: 0, observations: 0 });
  });

  it('when the required item missing is named, then its text says which', async () => {
    const { referralId, api } = await peerWithReferral();
    const body = phq9Outcome(referralId, 5);
    const res = await api
      .post('/api/encounter/outcomes')
      .send({ ...body, answers: body.answers.filter((answer) => answer.linkId !== '44260-8') });
    expect(res.status).toBe(400);
    expect(res.body.issue).toEqual([
      {
        severity: 'error',
        code: 'required',
        details: { text: 'Required item 44260-8 is not answered' },
        expression: ['answers'],
      },
    ]);
  });

  it('when a peer supporter records an outcome for a patient not on their caseload, then 403 and nothing is stored', async () => {
    const { referralId, patient } = await peerWithReferral();
    const other = await peerSupporterKnownToSessions(t);
    const res = await as(t, await userToken(other))
      .post('/api/encounter/outcomes')
      .send(phq9Outcome(referralId, 5));
    expectContract(res, 'recordOutcome');
    expect(res.status).toBe(403);
    expect(res.body.issue[0].code).toBe('forbidden');
    expect(await storedFor(patient)).toEqual({ responses: 0, observations: 0 });
  });

  it("when the session named is another referral's, then 409 naming sessionId and nothing is stored", async () => {
    const { peer, referralId, patient, api } = await peerWithReferral();
    const { referralId: otherReferral } = await referralWithPeerSupporter(t, peer);
    const session = await api
      .post('/api/encounter/sessions')
      .send({ referralId: otherReferral, mode: 'phone', start: past(2), end: past(1) });
    expect(session.status).toBe(201);
    const res = await api
      .post('/api/encounter/outcomes')
      .send(phq9Outcome(referralId, 5, { sessionId: session.body.id }));
    expectContract(res, 'recordOutcome');
    expect(res.status).toBe(409);
    expect(res.body.issue[0].expression).toEqual(['sessionId']);
    expect(await storedFor(patient)).toEqual({ responses: 0, observations: 0 });
  });

  it('when a clinician records an outcome, then 403: only the peer supporter and the program do', async () => {
    const { referralId, patient } = await peerWithReferral();
    const res = await as(t, await userToken('clinician-1'))
      .post('/api/encounter/outcomes')
      .send(phq9Outcome(referralId, 5));
    expect(res.status).toBe(403);
    expect(await storedFor(patient)).toEqual({ responses: 0, observations: 0 });
  });
});

describe('FHIR create of a QuestionnaireResponse', () => {
  it('when a completed PHQ-9 is POSTed, then it is stored and scored like recordOutcome', async () => {
    const { patient } = await peerWithReferral();
    const res = await fhirClient(t).post('/fhir/QuestionnaireResponse').send(phq9Response(patient, 21));
    expect(res.status).toBe(201);
    expect(res.body.resourceType).toBe('QuestionnaireResponse');
    const found: Bundle<Observation> = (
      await fhirClient(t).get(`/fhir/Observation?derived-from=QuestionnaireResponse/${res.body.id}`)
    ).body;
    const total = found
      .entry!.map((entry) => entry.resource!)
      .find((o) => o.code.coding?.[0]?.code === '44261-6');
    expect(total?.valueQuantity?.value).toBe(21);
    expect(total?.interpretation?.[0]?.coding?.[0]?.code).toBe('phq-9-severe');
  });

  it('when a completed PHQ-9 misses a required item, then it is stored unscored, with a warning naming the item, and no Observation', async () => {
    const { patient } = await peerWithReferral();
    const response = phq9Response(patient, 6);
    response.item = response.item!.filter((item) => item.linkId !== '44250-9');
    const res = await fhirClient(t, { Prefer: 'return=OperationOutcome' })
      .post('/fhir/QuestionnaireResponse')
      .send(response);
    expect(res.status).toBe(201);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue).toEqual([
      expect.objectContaining({ severity: 'information', code: 'informational' }),
      {
        severity: 'warning',
        code: 'required',
        details: { text: 'Required item 44250-9 is not answered' },
        expression: ["QuestionnaireResponse.item.where(linkId='44250-9')"],
      },
    ]);
    expect(await storedFor(patient)).toEqual({ responses: 1, observations: 0 });
    const stored = await fhirClient(t).get(res.headers.location!.replace(t.config.publicBaseUrl, ''));
    expect(stored.body.status).toBe('completed');
  });

  it('when an unscorable response is POSTed without a Prefer header, then the stored response comes back (FHIR default) and no Observation is made', async () => {
    const { patient } = await peerWithReferral();
    const response = phq9Response(patient, 6);
    response.item![0]!.answer = [{ valueInteger: 7 }];
    const res = await fhirClient(t).post('/fhir/QuestionnaireResponse').send(response);
    expect(res.status).toBe(201);
    expect(res.body.resourceType).toBe('QuestionnaireResponse');
    expect(await storedFor(patient)).toEqual({ responses: 1, observations: 0 });
  });

  it('when a peer supporter POSTs a response for a patient not on their caseload, then 403 and nothing is stored', async () => {
    const { patient } = await peerWithReferral();
    const stranger = await peerSupporterKnownToSessions(t);
    const res = await as(t, await userToken(stranger))
      .post('/fhir/QuestionnaireResponse')
      .send(phq9Response(patient, 5));
    expect(res.status).toBe(403);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(await storedFor(patient)).toEqual({ responses: 0, observations: 0 });
  });

  it("when the referral's peer supporter POSTs a response for their patient, then it is stored and scored", async () => {
    const { patient, api } = await peerWithReferral();
    const res = await api.post('/fhir/QuestionnaireResponse').send(phq9Response(patient, 5));
    expect(res.status).toBe(201);
    expect(await storedFor(patient)).toEqual({ responses: 1, observations: 2 });
  });

  it.each([
    ['a status other than completed', { status: 'in-progress' }, 'QuestionnaireResponse.status'],
    [
      'a questionnaire that is not one of ours',
      { questionnaire: 'https://example.org/Questionnaire/other' },
      'QuestionnaireResponse.questionnaire',
    ],
  ])('when the response has %s, then 422 naming it and nothing is stored', async (_, change, expression) => {
    const { patient } = await peerWithReferral();
    const res = await fhirClient(t)
      .post('/fhir/QuestionnaireResponse')
      .send({ ...phq9Response(patient, 3), ...change });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].expression).toEqual([expression]);
    expect(await storedFor(patient)).toEqual({ responses: 0, observations: 0 });
  });
});
