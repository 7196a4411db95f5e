import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { referralService } from '@peerbridge/referral';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';
import { expectContract } from './support/contract.js';
import { expectValidFhir } from './support/fhir-validation.js';
import { referralBody } from './support/fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([referralService]);
});
afterAll(() => t.close());

async function fhirRead(reference: string) {
  const res = await fhirClient(t).get(`/fhir/${reference}`);
  expect(res.status).toBe(200);
  expectValidFhir(res.body);
  return res.body;
}

async function changeStatus(id: string, status: string, reason?: string) {
  const res = await fhirClient(t)
    .post(`/api/referral/referrals/${id}/status`)
    .send(reason ? { status, reason } : { status });
  expectContract(res, 'changeReferralStatus');
  return res;
}

describe('referral lifecycle through REST', () => {
  it('when a referral is created, then a valid ServiceRequest and requested Task exist and one event is in the outbox', async () => {
    const body = referralBody({ doNotContact: true });
    const res = await fhirClient(t).post('/api/referral/referrals').send(body);
    expectContract(res, 'createReferral');
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`http://peerbridge.test/api/referral/referrals/${res.body.id}`);
    expect(res.body).toMatchObject({
      status: 'requested',
      businessStatus: { code: '2.0' },
      patient: body.patient,
      requester: body.requester,
      reason: body.reason,
      consent: body.consent,
      doNotContact: true,
      preferredLanguage: 'es',
      preferredContact: body.preferredContact,
      notes: body.notes,
      program: { reference: 'Organization/peer-support-program' },
    });

    const serviceRequest = await fhirRead(res.body.serviceRequest.reference);
    const task = await fhirRead(res.body.task.reference);
    expect(serviceRequest).toMatchObject({
      status: 'active',
      intent: 'order',
      code: { coding: [{ system: 'http://snomed.info/sct', code: '461481000124109' }] },
      orderDetail: [{ coding: [{ code: 'contacting-subject-prohibited' }] }],
      supportingInfo: [{ reference: 'Consent/c-1' }],
    });
    expect(task).toMatchObject({
      status: 'requested',
      intent: 'order',
      focus: { reference: `ServiceRequest/${res.body.id}` },
      for: { reference: (body.patient as { reference: string }).reference },
      owner: { reference: 'Organization/peer-support-program' },
    });

    const events = await t.db.query<{ event_type: string; resources: unknown }>(
      'SELECT event_type, changes AS resources FROM referral.event_outbox WHERE aggregate_id = $1',
      [res.body.id],
    );
    expect(events).toEqual([
      {
        event_type: 'referral.created',
        resources: [
          { reference: res.body.serviceRequest.reference, versionId: '1' },
          { reference: res.body.task.reference, versionId: '1' },
        ],
      },
    ]);
  });

  it('when a referral goes requested → accepted → in-progress → on-hold → in-progress → completed, then each step is recorded and the ServiceRequest follows', async () => {
    const created = await fhirClient(t).post('/api/referral/referrals').send(referralBody());
    const id = created.body.id as string;
    const steps: [string, string | undefined, string, string][] = [
      ['accepted', undefined, '3.0', 'active'],
      ['in-progress', undefined, '5.1.1', 'active'],
      ['on-hold', 'Patient admitted to hospital', '5.1.1', 'on-hold'],
      ['in-progress', 'Discharged; resuming', '5.1.1', 'active'],
      ['completed', undefined, '7.0', 'completed'],
    ];
    for (const [status, reason, business, requestStatus] of steps) {
      const res = await changeStatus(id, status, reason);
      expect(res.status).toBe(200);
      expect(res.body.status).toBe(status);
      expect(res.body.businessStatus.code).toBe(business);
      const serviceRequest = await fhirRead(res.body.serviceRequest.reference);
      const task = await fhirRead(res.body.task.reference);
      expect(serviceRequest.status).toBe(requestStatus);
      expect(task.status).toBe(status);
      expect(task.meta.versionId).toBe(res.body.task.versionId);
    }
    const onHoldTask = await fhirClient(t).get(`/fhir/${created.body.task.reference}/_history/4`);
    expect(onHoldTask.body.statusReason).toEqual({ text: 'Patient admitted to hospital' });

    const history = await fhirClient(t).get(`/api/referral/referrals/${id}/history`);
    expectContract(history, 'getReferralHistory');
    expect(
      history.body.items.map((item: { from?: string; to: string }) => [item.from ?? null, item.to]),
    ).toEqual([
      [null, 'requested'],
      ['requested', 'accepted'],
      ['accepted', 'in-progress'],
      ['in-progress', 'on-hold'],
      ['on-hold', 'in-progress'],
      ['in-progress', 'completed'],
    ]);
    expect(history.body.items[3]).toMatchObject({
      reason: 'Patient admitted to hospital',
      taskVersion: '4',
    });
    // The caller is fhirClient's system token (tests/support/tokens.ts): no fhirUser to name.
    expect(history.body.items[3].actor).toEqual({ subject: 'test-user', clientId: 'test-client' });

    const taskHistory = await fhirClient(t).get(`/fhir/${created.body.task.reference}/_history`);
    expect(taskHistory.body.total).toBe(6);
    const [row] = await t.db.query<{ count: number }>(
      "SELECT count(*)::int AS count FROM referral.event_outbox WHERE aggregate_id = $1 AND event_type = 'referral.status-changed'",
      [id],
    );
    expect(row?.count).toBe(5);
  });

  it.each([
    ['rejected', 'requested', '4.0', 'revoked'],
    ['cancelled', 'requested', '6.0', 'revoked'],
    ['failed', 'in-progress', '6.0', 'revoked'],
  ])(
    'when a referral is %s from %s with a reason, then the Task keeps the reason, businessStatus is %s and the ServiceRequest is %s',
    async (to, from, business, requestStatus) => {
      const created = await fhirClient(t).post('/api/referral/referrals').send(referralBody());
      const id = created.body.id as string;
      if (from === 'in-progress') {
        await changeStatus(id, 'accepted');
        await changeStatus(id, 'in-progress');
      }
      const res = await changeStatus(id, to, 'Outside the service area');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: to,
        statusReason: 'Outside the service area',
        businessStatus: { code: business },
      });
      const task = await fhirRead(res.body.task.reference);
      expect(task.statusReason).toEqual({ text: 'Outside the service area' });
      expect((await fhirRead(res.body.serviceRequest.reference)).status).toBe(requestStatus);
    },
  );

  it('when a referral is read, then it is the same as the one the last change returned', async () => {
    const created = await fhirClient(t).post('/api/referral/referrals').send(referralBody());
    const accepted = await changeStatus(created.body.id, 'accepted');
    const read = await fhirClient(t).get(`/api/referral/referrals/${created.body.id}`);
    expectContract(read, 'getReferral');
    expect(read.body).toEqual(accepted.body);
  });

  it('when an unknown referral is read, changed or its history asked for, then 404', async () => {
    const read = await fhirClient(t).get('/api/referral/referrals/no-such-referral');
    expectContract(read, 'getReferral');
    expect(read.status).toBe(404);
    const change = await fhirClient(t)
      .post('/api/referral/referrals/no-such-referral/status')
      .send({ status: 'accepted' });
    expectContract(change, 'changeReferralStatus');
    expect(change.status).toBe(404);
    const history = await fhirClient(t).get('/api/referral/referrals/no-such-referral/history');
    expectContract(history, 'getReferralHistory');
    expect(history.status).toBe(404);
  });

  it('when a plain ServiceRequest id is read as a referral, then 404', async () => {
    const plain = await fhirClient(t)
      .post('/fhir/ServiceRequest')
      .set('Content-Type', 'application/fhir+json')
      .send({
        resourceType: 'ServiceRequest',
        status: 'active',
        intent: 'order',
        code: { text: 'Physiotherapy' },
        subject: { reference: 'Patient/x' },
      });
    expect(plain.status).toBe(201);
    const read = await fhirClient(t).get(`/api/referral/referrals/${plain.body.id}`);
    expect(read.status).toBe(404);
  });
});

describe('listing referrals', () => {
  const patient = 'Patient/list-patient';
  let ids: string[] = [];
  beforeAll(async () => {
    ids = [];
    for (const requester of ['Practitioner/list-a', 'Practitioner/list-a', 'Practitioner/list-b']) {
      const res = await fhirClient(t)
        .post('/api/referral/referrals')
        .send(referralBody({ patient: { reference: patient }, requester: { reference: requester } }));
      ids.push(res.body.id);
    }
    await changeStatus(ids[0]!, 'accepted');
  });

  async function list(query: string) {
    const res = await fhirClient(t).get(`/api/referral/referrals?${query}`);
    expectContract(res, 'listReferrals');
    expect(res.status).toBe(200);
    return res.body as { items: { id: string }[]; total: number; next?: string };
  }

  it("when filtered by patient, then exactly that patient's referrals are listed, newest first", async () => {
    const page = await list(`patient=${encodeURIComponent(patient)}`);
    expect(page.total).toBe(3);
    expect(page.items.map((item) => item.id)).toEqual([...ids].reverse());
  });

  it('when filtered by status, then only referrals in those statuses are listed', async () => {
    expect((await list(`patient=${patient}&status=accepted`)).items.map((i) => i.id)).toEqual([ids[0]]);
    expect((await list(`patient=${patient}&status=accepted,requested`)).total).toBe(3);
    expect((await list(`patient=${patient}&status=completed`)).total).toBe(0);
  });

  it("when filtered by requester, then only that clinician's referrals are listed", async () => {
    expect((await list(`patient=${patient}&requester=Practitioner/list-b`)).items.map((i) => i.id)).toEqual([
      ids[2],
    ]);
  });

  it('when filtered by date, then only referrals written in the range are listed', async () => {
    const today = new Date().toISOString().slice(0, 10);
    expect((await list(`patient=${patient}&authoredFrom=${today}&authoredTo=${today}`)).total).toBe(3);
    expect((await list(`patient=${patient}&authoredTo=2020-01-01`)).total).toBe(0);
    expect((await list(`patient=${patient}&authoredFrom=2999-01-01`)).total).toBe(0);
  });

  it("when filtered by an absolute reference to the EHR's Patient, then that patient's referrals are listed", async () => {
    const absolute = 'https://ehr.example.org/fhir/Patient/absolute-1';
    const created = await fhirClient(t)
      .post('/api/referral/referrals')
      .send(referralBody({ patient: { reference: absolute } }));
    const page = await list(`patient=${encodeURIComponent(absolute)}`);
    expect(page.items.map((item) => item.id)).toEqual([created.body.id]);
  });

  it('when paged, then each page has limit items and a next link until the last', async () => {
    const first = await list(`patient=${patient}&limit=2`);
    expect(first.items).toHaveLength(2);
    expect(first.next).toBe(
      `http://peerbridge.test/api/referral/referrals?patient=${encodeURIComponent(patient)}&limit=2&offset=2`,
    );
    const second = await list(`patient=${patient}&limit=2&offset=2`);
    expect(second.items.map((i) => i.id)).toEqual([ids[0]]);
    expect(second.next).toBeUndefined();
  });
});
