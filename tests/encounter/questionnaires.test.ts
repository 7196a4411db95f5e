import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, Questionnaire } from '@medplum/fhirtypes';
import { encounterService } from '@peerbridge/encounter';
import { createLogger, createValidator, seedServices } from '@peerbridge/shared';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';
import { PHQ9_URL } from './support/outcomes.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([encounterService]);
});
afterAll(() => t.close());

const ids = (bundle: Bundle) => (bundle.entry ?? []).map((entry) => entry.resource!.id).sort();

describe('the instruments as Questionnaires', () => {
  it('when /fhir/Questionnaire is searched by status, then the five instruments are served', async () => {
    const res = await fhirClient(t).get('/fhir/Questionnaire?status=active');
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual(['gad-7', 'phq-9', 'qpr-15', 'swemwbs', 'ucla-3']);
    expect((await fhirClient(t).get('/fhir/Questionnaire?status=retired')).body.total).toBe(0);
  });

  it('when PHQ-9 is read, then it is the published Questionnaire with its version and copyright', async () => {
    const res = await fhirClient(t).get('/fhir/Questionnaire/phq-9');
    expect(res.status).toBe(200);
    const questionnaire = res.body as Questionnaire;
    expect(questionnaire).toMatchObject({ url: PHQ9_URL, version: '1.0.0', name: 'PHQ9' });
    expect(questionnaire.copyright).toContain('Pfizer');
    expect(questionnaire.meta?.versionId).toBe('1');
  });

  it('when searched by url, then only the exact canonical matches (uri search: not by prefix, not ignoring case)', async () => {
    const exact = await fhirClient(t).get('/fhir/Questionnaire').query({ url: PHQ9_URL });
    expect(ids(exact.body)).toEqual(['phq-9']);
    const prefix = await fhirClient(t)
      .get('/fhir/Questionnaire')
      .query({ url: PHQ9_URL.slice(0, -2) });
    expect(prefix.body.total).toBe(0);
    const upper = await fhirClient(t).get('/fhir/Questionnaire').query({ url: PHQ9_URL.toUpperCase() });
    expect(upper.body.total).toBe(0);
    const below = await fhirClient(t).get('/fhir/Questionnaire').query({ 'url:below': PHQ9_URL });
    expect(below.status).toBe(400);
    expect(below.body.issue[0].expression).toEqual(['url']);
  });

  it('when searched by name or code, then each alone picks the instrument', async () => {
    expect(ids((await fhirClient(t).get('/fhir/Questionnaire?name=GAD7')).body)).toEqual(['gad-7']);
    // R4's Questionnaire `code` is an item's code: PHQ-9 item 9's LOINC code finds PHQ-9 alone.
    expect(ids((await fhirClient(t).get('/fhir/Questionnaire?code=http://loinc.org|44260-8')).body)).toEqual([
      'phq-9',
    ]);
  });

  it('when a Questionnaire is written, then 405 and nothing changes', async () => {
    const current = (await fhirClient(t).get('/fhir/Questionnaire/phq-9')).body as Questionnaire;
    const put = await fhirClient(t)
      .put('/fhir/Questionnaire/phq-9')
      .send({ ...current, title: 'Changed' });
    expect(put.status).toBe(405);
    const { id: _id, meta: _meta, ...body } = current;
    expect((await fhirClient(t).post('/fhir/Questionnaire').send(body)).status).toBe(405);
    expect((await fhirClient(t).delete('/fhir/Questionnaire/phq-9')).status).toBe(405);
    const after = (await fhirClient(t).get('/fhir/Questionnaire/phq-9')).body as Questionnaire;
    expect(after.meta?.versionId).toBe('1');
  });

  it('when the service seeds again (a restart), then the unchanged Questionnaires keep their version', async () => {
    const logger = createLogger({ level: 'error', service: 'test', silent: true });
    await seedServices([encounterService], {
      config: t.config,
      db: t.db,
      logger,
      validator: createValidator(),
    });
    expect((await fhirClient(t).get('/fhir/Questionnaire/gad-7')).body.meta.versionId).toBe('1');
    expect((await fhirClient(t).get('/fhir/Questionnaire/gad-7/_history')).body.total).toBe(1);
  });
});
