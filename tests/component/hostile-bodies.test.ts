import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { referralService } from '@peerbridge/referral';
import { referralBody } from '../referral/support/fixtures.js';
import { footprint } from '../referral/support/fixtures.js';
import { serviceRequest } from '../support/fixtures.js';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';

// Bodies that once slipped past validation: names of JavaScript's built-in object members, and
// objects where arrays belong. Each must be a 400 naming the element, with nothing stored.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([referralService]);
});
afterAll(() => t.close());

/** A ServiceRequest body as raw JSON with `extra` spliced in at `where` (root or inside subject). */
function rawServiceRequest(extra: string, where: 'root' | 'subject'): string {
  const body = JSON.stringify(serviceRequest());
  return where === 'root'
    ? body.replace(/}$/, `,${extra}}`)
    : body.replace('"subject":{', `"subject":{${extra},`);
}

describe('FHIR bodies', () => {
  it.each([
    ['"toString":"x"', 'root', 'ServiceRequest.toString'],
    ['"constructor":{"prototype":{"polluted":true}}', 'root', 'ServiceRequest.constructor'],
    ['"hasOwnProperty":true', 'root', 'ServiceRequest.hasOwnProperty'],
    ['"__proto__":{"polluted":true}', 'root', 'ServiceRequest.__proto__'],
    ['"__proto__":{"polluted":true}', 'subject', 'ServiceRequest.subject.__proto__'],
    ['"valueOf":{}', 'subject', 'ServiceRequest.subject.valueOf'],
    ['"reasonCode":{}', 'root', 'ServiceRequest.reasonCode'],
    ['"performer":{}', 'root', 'ServiceRequest.performer'],
    ['"code":{"coding":""}', 'root', 'ServiceRequest.code.coding'],
    ['"_status":-1', 'root', 'ServiceRequest._status'],
  ] as const)(
    'when a created resource has %s at its %s, then 400 names %s and nothing is stored',
    async (extra, where, expression) => {
      const before = await footprint(t.db);
      const res = await fhirClient(t)
        .post('/fhir/ServiceRequest')
        .set('Content-Type', 'application/fhir+json')
        .send(rawServiceRequest(extra, where));
      expect(res.status).toBe(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue.map((issue: { expression?: string[] }) => issue.expression?.[0])).toContain(
        expression,
      );
      expect(await footprint(t.db)).toEqual(before);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );
});

describe('REST bodies', () => {
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])(
    'when a createReferral body has a member named %s, then 400 and nothing is stored',
    async (name) => {
      const before = await footprint(t.db);
      const body = JSON.stringify(referralBody()).replace(/}$/, `,"${name}":{"polluted":true}}`);
      const res = await fhirClient(t)
        .post('/api/referral/referrals')
        .set('Content-Type', 'application/json')
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(await footprint(t.db)).toEqual(before);
    },
  );
});
