import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { careTeamService } from '@peerbridge/care-team';
import { encounterService } from '@peerbridge/encounter';
import { referralService } from '@peerbridge/referral';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';
import { as, userToken } from '../care-team/support/fixtures.js';
import { peerSupporterKnownToSessions, referralWithPeerSupporter } from './support/program.js';
import { GAD7_URL, gad7Outcome, PHQ9_URL, phq9Outcome } from './support/outcomes.js';

// One patient with two outcomes that differ in one thing at a time, so that each search
// parameter alone decides which is found: a PHQ-9 taken in a session on 1 November and a GAD-7
// taken outside one on 20 November. Another patient's PHQ-9 shows the patient filter at work.

let t: TestApp;
let patient: string;
let other: string;
let phq9: { qr: string; total: string; item9: string; encounter: string };
let gad7: { qr: string; total: string };

beforeAll(async () => {
  t = await startTestApp([referralService, careTeamService, encounterService], {}, { withEvents: true });
  const peer = await peerSupporterKnownToSessions(t);
  const api = as(t, await userToken(peer));
  const mine = await referralWithPeerSupporter(t, peer);
  const theirs = await referralWithPeerSupporter(t, peer);
  patient = mine.patient;
  other = theirs.patient;
  const session = await api.post('/api/encounter/sessions').send({
    referralId: mine.referralId,
    mode: 'phone',
    start: '2026-11-01T09:00:00Z',
    end: '2026-11-01T10:00:00Z',
  });
  const first = await api
    .post('/api/encounter/outcomes')
    .send(phq9Outcome(mine.referralId, 9, { sessionId: session.body.id, authored: '2026-11-01T10:00:00Z' }));
  const second = await api
    .post('/api/encounter/outcomes')
    .send(gad7Outcome(mine.referralId, 4, { authored: '2026-11-20T10:00:00Z' }));
  await api
    .post('/api/encounter/outcomes')
    .send(phq9Outcome(theirs.referralId, 2, { authored: '2026-11-01T11:00:00Z' }));
  phq9 = {
    qr: first.body.questionnaireResponse.reference,
    total: first.body.observations[0].reference,
    item9: first.body.observations[1].reference,
    encounter: session.body.encounter.reference,
  };
  gad7 = { qr: second.body.questionnaireResponse.reference, total: second.body.observations[0].reference };
});
afterAll(() => t.close());

async function found(path: string): Promise<string[]> {
  const res = await fhirClient(t).get(path);
  expect(res.status).toBe(200);
  return ((res.body as Bundle).entry ?? [])
    .filter((entry) => entry.search?.mode === 'match')
    .map((entry) => `${entry.resource!.resourceType}/${entry.resource!.id}`)
    .sort();
}

const sorted = (...references: string[]) => [...references].sort();

describe('QuestionnaireResponse searches', () => {
  it('when searched by _id, then only that response', async () => {
    expect(await found(`/fhir/QuestionnaireResponse?_id=${phq9.qr.split('/')[1]}`)).toEqual([phq9.qr]);
  });

  it("when searched by patient, then only the patient's responses", async () => {
    expect(await found(`/fhir/QuestionnaireResponse?patient=${patient}`)).toEqual(sorted(phq9.qr, gad7.qr));
  });

  it('when searched by questionnaire (with or without version), then only responses to it', async () => {
    expect(await found(`/fhir/QuestionnaireResponse?patient=${patient}&questionnaire=${GAD7_URL}`)).toEqual([
      gad7.qr,
    ]);
    expect(
      await found(
        `/fhir/QuestionnaireResponse?patient=${patient}&questionnaire=${encodeURIComponent(`${PHQ9_URL}|1.0.0`)}`,
      ),
    ).toEqual([phq9.qr]);
  });

  it('when searched by authored, then only responses of that date', async () => {
    expect(await found(`/fhir/QuestionnaireResponse?patient=${patient}&authored=2026-11-20`)).toEqual([
      gad7.qr,
    ]);
    expect(await found(`/fhir/QuestionnaireResponse?patient=${patient}&authored=lt2026-11-10`)).toEqual([
      phq9.qr,
    ]);
  });

  it('when searched by encounter, then only the response of that session', async () => {
    expect(await found(`/fhir/QuestionnaireResponse?encounter=${phq9.encounter}`)).toEqual([phq9.qr]);
  });

  it('when searched by status, then completed responses match and no other status does', async () => {
    expect(await found(`/fhir/QuestionnaireResponse?patient=${patient}&status=completed`)).toEqual(
      sorted(phq9.qr, gad7.qr),
    );
    expect(await found(`/fhir/QuestionnaireResponse?patient=${patient}&status=in-progress`)).toEqual([]);
  });
});

describe('Observation searches', () => {
  const SURVEY = 'http://terminology.hl7.org/CodeSystem/observation-category|survey';

  it("when searched by patient and category (US Core), then every score of the patient's", async () => {
    expect(
      await found(`/fhir/Observation?patient=${patient}&category=${encodeURIComponent(SURVEY)}`),
    ).toEqual(sorted(phq9.total, phq9.item9, gad7.total));
    expect(await found(`/fhir/Observation?patient=${patient}&category=laboratory`)).toEqual([]);
  });

  it('when searched by patient and code (US Core), then only scores of that code', async () => {
    expect(await found(`/fhir/Observation?patient=${patient}&code=http://loinc.org|70274-6`)).toEqual([
      gad7.total,
    ]);
    expect(await found(`/fhir/Observation?patient=${patient}&code=44260-8`)).toEqual([phq9.item9]);
  });

  it('when searched by patient, category and date (US Core), then only scores of that date', async () => {
    expect(
      await found(
        `/fhir/Observation?patient=${patient}&category=${encodeURIComponent(SURVEY)}&date=ge2026-11-15`,
      ),
    ).toEqual([gad7.total]);
  });

  it('when searched by code alone, then the scores of that code of every patient', async () => {
    const totals = await found('/fhir/Observation?code=http://loinc.org|44261-6&date=2026-11-01');
    expect(totals).toContain(phq9.total);
    expect(totals).toHaveLength(2);
  });

  it('when searched by date alone, then only scores of that day', async () => {
    expect(await found('/fhir/Observation?date=2026-11-20')).toEqual([gad7.total]);
  });

  it('when searched by derived-from, then the scores of that response', async () => {
    expect(await found(`/fhir/Observation?derived-from=${phq9.qr}`)).toEqual(sorted(phq9.total, phq9.item9));
  });

  it('when searched by encounter, then the scores taken in that session', async () => {
    expect(await found(`/fhir/Observation?encounter=${phq9.encounter}`)).toEqual(
      sorted(phq9.total, phq9.item9),
    );
  });

  it('when _include=Observation:derived-from, then the response comes with its scores', async () => {
    const res = await fhirClient(t).get(
      `/fhir/Observation?derived-from=${gad7.qr}&_include=Observation:derived-from`,
    );
    const entries = (res.body as Bundle).entry ?? [];
    expect(entries.map((entry) => [entry.search?.mode, ref(entry.resource!)])).toEqual([
      ['match', gad7.total],
      ['include', gad7.qr],
    ]);
  });

  it("when the other patient's scores are searched by patient, then none of this patient's are among them", async () => {
    const theirs = await found(`/fhir/Observation?patient=${other}`);
    expect(theirs).toHaveLength(2);
    expect(theirs).not.toContain(phq9.total);
  });
});

const ref = (resource: Resource) => `${resource.resourceType}/${resource.id}`;
