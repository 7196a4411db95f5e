import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { referralService } from '@peerbridge/referral';
import { SEARCH_LIMITS } from '@peerbridge/shared';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';

// What one search may cost is bounded (SEARCH_LIMITS): at the limits a search answers, one step
// beyond them it is refused with a 400 naming the limit, and a burst of the costliest allowed
// searches leaves the pool usable for everyone else.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([referralService]);
});
afterAll(() => t.close());

/** n search parameters, every one a real filter, as a costly client would send them. */
function parameters(n: number): string {
  return Array.from({ length: n }, (_, i) => `status=${i % 2 ? 'active' : 'draft'}`).join('&');
}

function values(n: number): string {
  return Array.from({ length: n }, (_, i) => `http://loinc.org|${i}`).join(',');
}

function expectRefused(res: request.Response, text: RegExp, expression?: string): void {
  expect(res.status).toBe(400);
  expect(res.body.resourceType).toBe('OperationOutcome');
  expect(res.body.issue[0].code).toBe('invalid');
  expect(res.body.issue[0].details.text).toMatch(text);
  if (expression) {
    expect(res.body.issue[0].expression).toEqual([expression]);
  }
}

describe('search limits', () => {
  it('when a search has the maximum number of parameters, then it answers with a searchset', async () => {
    const res = await fhirClient(t).get(`/fhir/ServiceRequest?${parameters(SEARCH_LIMITS.parameters)}`);
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('searchset');
  });

  it('when a search has one parameter more than allowed, then 400 names the limit and the first parameter beyond it', async () => {
    const res = await fhirClient(t).get(
      `/fhir/ServiceRequest?${parameters(SEARCH_LIMITS.parameters)}&category=x`,
    );
    expectRefused(res, /at most 20 parameters; this one has 21/, 'category');
  });

  it('when a parameter has the maximum number of values, then it answers; with one more, then 400 names the parameter', async () => {
    const max = SEARCH_LIMITS.valuesPerParameter;
    const ok = await fhirClient(t)
      .get('/fhir/ServiceRequest')
      .query({ code: values(max) });
    expect(ok.status).toBe(200);
    const refused = await fhirClient(t)
      .get('/fhir/ServiceRequest')
      .query({ code: values(max + 1) });
    expectRefused(refused, /at most 100 comma-separated values; code has 101/, 'code');
  });

  it('when the query string is longer than allowed, then 400 says how long it may be', async () => {
    const res = await fhirClient(t)
      .get('/fhir/ServiceRequest')
      .query({ identifier: 'x'.repeat(SEARCH_LIMITS.queryLength) });
    expectRefused(res, /query string may be at most 8192 characters/);
  });

  it('when a _search form has more parameters than allowed, then 400, whether a few or a thousand too many', async () => {
    for (const n of [SEARCH_LIMITS.parameters + 1, 1001]) {
      const res = await fhirClient(t).post('/fhir/ServiceRequest/_search').type('form').send(parameters(n));
      expectRefused(res, /at most 20 parameters/);
    }
  });

  it('when many of the costliest allowed searches arrive at once, then all answer and the pool stays usable', async () => {
    const costly = Array.from({ length: 12 }, () =>
      fhirClient(t).get(`/fhir/ServiceRequest?${parameters(SEARCH_LIMITS.parameters)}`),
    );
    const [ready, ...searches] = await Promise.all([request(t.app).get('/readyz'), ...costly]);
    expect(searches.map((res) => res.status)).toEqual(searches.map(() => 200));
    expect(ready.status).toBe(200);
    const after = await fhirClient(t).get('/fhir/ServiceRequest?_count=1');
    expect(after.status).toBe(200);
  });
});
