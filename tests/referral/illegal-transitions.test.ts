import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Task } from '@medplum/fhirtypes';
import { referralService } from '@peerbridge/referral';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';
import { expectContract } from './support/contract.js';
import { ehrServiceRequest, footprint, referralBody } from './support/fixtures.js';
import { allowedText, ILLEGAL, PATH_TO } from './support/lifecycle-table.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([referralService]);
});
afterAll(() => t.close());

const FHIR = 'application/fhir+json';

async function restReferralIn(status: string): Promise<string> {
  const created = await fhirClient(t).post('/api/referral/referrals').send(referralBody());
  for (const step of PATH_TO[status]!) {
    const res = await fhirClient(t)
      .post(`/api/referral/referrals/${created.body.id}/status`)
      .send({ status: step, reason: 'Reason for the record' });
    expect(res.status).toBe(200);
  }
  return created.body.id;
}

async function fhirTaskIn(status: string): Promise<Task> {
  const created = await fhirClient(t)
    .post('/fhir/ServiceRequest')
    .set('Content-Type', FHIR)
    .send(ehrServiceRequest());
  const search = await fhirClient(t).get(`/fhir/Task?focus=ServiceRequest/${created.body.id}`);
  let task = search.body.entry[0].resource as Task;
  for (const step of PATH_TO[status]!) {
    const res = await fhirClient(t)
      .put(`/fhir/Task/${task.id}`)
      .set('Content-Type', FHIR)
      .send({ ...task, status: step, statusReason: { text: 'Reason for the record' } });
    expect(res.status).toBe(200);
    task = res.body;
  }
  return task;
}

describe('illegal transitions through REST', () => {
  it.each(ILLEGAL)(
    'when a %s referral is moved to %s, then 409 names the allowed ones and nothing changes',
    async (from, to) => {
      const id = await restReferralIn(from);
      const before = await footprint(t.db);
      const res = await fhirClient(t)
        .post(`/api/referral/referrals/${id}/status`)
        .send({ status: to, reason: 'Trying anyway' });
      expectContract(res, 'changeReferralStatus');
      expect(res.status).toBe(409);
      expect(res.body.issue[0].expression).toEqual(['status']);
      expect(res.body.issue[0].details.text).toContain(allowedText(from));
      expect(await footprint(t.db)).toEqual(before);
      expect((await fhirClient(t).get(`/api/referral/referrals/${id}`)).body.status).toBe(from);
    },
  );

  it('when a referral is moved back to requested, then 400 because requested is no target', async () => {
    const id = await restReferralIn('accepted');
    const res = await fhirClient(t)
      .post(`/api/referral/referrals/${id}/status`)
      .send({ status: 'requested' });
    expectContract(res, 'changeReferralStatus');
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['status']);
  });
});

describe('illegal transitions through a FHIR Task PUT', () => {
  it.each(ILLEGAL.filter(([from, to]) => from !== to))(
    'when a %s Task is PUT as %s, then 409 names the allowed ones and nothing changes',
    async (from, to) => {
      const task = await fhirTaskIn(from);
      const before = await footprint(t.db);
      const res = await fhirClient(t)
        .put(`/fhir/Task/${task.id}`)
        .set('Content-Type', FHIR)
        .send({ ...task, status: to, statusReason: { text: 'Trying anyway' } });
      expect(res.status).toBe(409);
      expect(res.body.issue[0].expression).toEqual(['Task.status']);
      expect(res.body.issue[0].details.text).toContain(allowedText(from));
      expect(await footprint(t.db)).toEqual(before);
    },
  );

  it.each(['accepted', 'in-progress', 'on-hold', 'completed'])(
    'when a %s Task is PUT back as requested, then 409 names the allowed ones',
    async (from) => {
      const task = await fhirTaskIn(from);
      const res = await fhirClient(t)
        .put(`/fhir/Task/${task.id}`)
        .set('Content-Type', FHIR)
        .send({ ...task, status: 'requested' });
      expect(res.status).toBe(409);
      expect(res.body.issue[0].details.text).toContain(allowedText(from));
    },
  );
});
