import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { referralService } from '@peerbridge/referral';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';
import { expectValidFhir } from './support/fhir-validation.js';
import { ehrServiceRequest, footprint } from './support/fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([referralService]);
});
afterAll(() => t.close());

const FHIR = 'application/fhir+json';

function post(resource: object, headers: Record<string, string> = {}) {
  let req = fhirClient(t).post('/fhir/ServiceRequest').set('Content-Type', FHIR);
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
  return req.send(resource);
}

function put(resource: Resource) {
  return fhirClient(t)
    .put(`/fhir/${resource.resourceType}/${resource.id}`)
    .set('Content-Type', FHIR)
    .send(resource);
}

async function taskOf(serviceRequestId: string): Promise<Task> {
  const res = await fhirClient(t).get(`/fhir/Task?focus=ServiceRequest/${serviceRequestId}`);
  expect(res.body.total).toBe(1);
  const task = res.body.entry[0].resource as Task;
  expectValidFhir(task);
  return task;
}

async function read<T>(reference: string): Promise<T> {
  const res = await fhirClient(t).get(`/fhir/${reference}`);
  expect(res.status).toBe(200);
  expectValidFhir(res.body);
  return res.body as T;
}

async function moveTask(task: Task, status: Task['status'], reason?: string) {
  const next: Task = { ...task, status };
  if (reason) next.statusReason = { text: reason };
  else delete next.statusReason;
  return put(next);
}

describe('a referral arriving as FHIR', () => {
  it('when an EHR POSTs a peer support ServiceRequest, then a referral and its requested Task exist as with createReferral', async () => {
    const sent = ehrServiceRequest({
      extension: [{ url: 'https://ehr.example.org/ext/ward', valueString: '4B' }],
    });
    const res = await post(sent);
    expect(res.status).toBe(201);
    expectValidFhir(res.body);
    expect(res.body.extension).toEqual(sent.extension);
    const task = await taskOf(res.body.id);
    expect(task).toMatchObject({
      status: 'requested',
      intent: 'order',
      code: { coding: [{ code: 'fulfill' }] },
      for: { reference: sent.subject.reference },
      owner: { reference: 'Organization/peer-support-program' },
      businessStatus: { coding: [{ code: '2.0' }] },
    });

    const referral = await fhirClient(t).get(`/api/referral/referrals/${res.body.id}`);
    expect(referral.status).toBe(200);
    expect(referral.body).toMatchObject({
      status: 'requested',
      patient: { reference: sent.subject.reference },
      reason: { text: 'Depression', codes: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F32.9' }] },
      placerIdentifier: { system: 'https://ehr.example.org/referrals', value: sent.identifier![0]!.value },
    });
    const history = await fhirClient(t).get(`/api/referral/referrals/${res.body.id}/history`);
    expect(history.body.items).toHaveLength(1);
    const events = await t.db.query('SELECT event_type FROM referral.event_outbox WHERE aggregate_id = $1', [
      res.body.id,
    ]);
    expect(events).toEqual([{ event_type: 'referral.created' }]);
  });

  it('when the EHR retries with If-None-Exist on the placer identifier, then the first referral is answered and no second one is made', async () => {
    const sent = ehrServiceRequest();
    const ifNoneExist = {
      'If-None-Exist': `identifier=https://ehr.example.org/referrals|${sent.identifier![0]!.value}`,
    };
    const first = await post(sent, ifNoneExist);
    expect(first.status).toBe(201);
    const before = await footprint(t.db);
    const retry = await post(sent, ifNoneExist);
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
    expect(await footprint(t.db)).toEqual(before);
  });

  it('when two identical conditional creates arrive at once, then exactly one referral is made', async () => {
    const sent = ehrServiceRequest();
    const ifNoneExist = {
      'If-None-Exist': `identifier=https://ehr.example.org/referrals|${sent.identifier![0]!.value}`,
    };
    const [a, b] = await Promise.all([post(sent, ifNoneExist), post(sent, ifNoneExist)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.id).toBe(b.body.id);
    await taskOf(a.body.id);
  });

  it('when a ServiceRequest without the peer support code is POSTed, then it is stored plain with no Task', async () => {
    const sent = ehrServiceRequest({
      code: { text: 'Physiotherapy' },
    });
    const before = await footprint(t.db);
    const res = await post(sent);
    expect(res.status).toBe(201);
    const tasks = await fhirClient(t).get(`/fhir/Task?focus=ServiceRequest/${res.body.id}`);
    expect(tasks.body.total).toBe(0);
    const after = await footprint(t.db);
    expect(after).toEqual({ ...before, versions: before.versions! + 1 });
  });

  it.each(['plan', 'proposal', 'filler-order'] as const)(
    'when a peer support ServiceRequest has intent %s, then 422 points at ServiceRequest.intent and nothing is stored',
    async (intent) => {
      const before = await footprint(t.db);
      const res = await post(ehrServiceRequest({ intent }));
      expect(res.status).toBe(422);
      expect(res.body.issue[0].expression).toEqual(['ServiceRequest.intent']);
      expect(await footprint(t.db)).toEqual(before);
    },
  );

  it('when a peer support ServiceRequest has intent original-order, then it is accepted', async () => {
    const res = await post(ehrServiceRequest({ intent: 'original-order' }));
    expect(res.status).toBe(201);
    await taskOf(res.body.id);
  });

  it.each([
    [
      'its subject is not a Patient',
      { subject: { reference: 'Group/g1' } },
      400,
      'ServiceRequest.subject.reference',
    ],
    [
      'a reason code has an unknown system',
      { reasonCode: [{ coding: [{ system: 'http://loinc.org', code: '44261-6' }], text: 'PHQ-9' }] },
      400,
      'ServiceRequest.reasonCode[0].coding[0].system',
    ],
    ['its notes are too long', { note: [{ text: 'x'.repeat(2001) }] }, 400, 'ServiceRequest.note'],
    ['it is already completed', { status: 'completed' }, 422, 'ServiceRequest.status'],
    ['its priority is unknown to FHIR', { priority: 'whenever' }, 400, 'ServiceRequest.priority'],
  ] as [string, Partial<ServiceRequest>, number, string][])(
    'when a peer support ServiceRequest arrives and %s, then it is refused with the element in expression and nothing is stored',
    async (_, change, status, expression) => {
      const before = await footprint(t.db);
      const res = await post(ehrServiceRequest(change));
      expect(res.status).toBe(status);
      expect(res.body.issue.map((issue: { expression?: string[] }) => issue.expression?.[0])).toContain(
        expression,
      );
      expect(await footprint(t.db)).toEqual(before);
    },
  );
});

describe('the lifecycle through FHIR Task PUTs', () => {
  it('when the program PUTs the Task through accepted, in-progress and completed, then the ServiceRequest follows and history records each', async () => {
    const created = await post(ehrServiceRequest());
    let task = await taskOf(created.body.id);
    for (const [status, requestStatus, business] of [
      ['accepted', 'active', '3.0'],
      ['in-progress', 'active', '5.1.1'],
      ['completed', 'completed', '7.0'],
    ] as const) {
      const res = await moveTask(task, status);
      expect(res.status).toBe(200);
      expectValidFhir(res.body);
      expect(res.body.businessStatus.coding[0].code).toBe(business);
      task = res.body;
      expect((await read<ServiceRequest>(`ServiceRequest/${created.body.id}`)).status).toBe(requestStatus);
    }
    const history = await fhirClient(t).get(`/api/referral/referrals/${created.body.id}/history`);
    expect(history.body.items.map((item: { to: string }) => item.to)).toEqual([
      'requested',
      'accepted',
      'in-progress',
      'completed',
    ]);
  });

  it('when the program rejects by PUT with a statusReason, then the reason is kept and the ServiceRequest is revoked', async () => {
    const created = await post(ehrServiceRequest());
    const res = await moveTask(await taskOf(created.body.id), 'rejected', 'No capacity this quarter');
    expect(res.status).toBe(200);
    expect(res.body.statusReason).toEqual({ text: 'No capacity this quarter' });
    expect((await read<ServiceRequest>(`ServiceRequest/${created.body.id}`)).status).toBe('revoked');
    const history = await fhirClient(t).get(`/api/referral/referrals/${created.body.id}/history`);
    expect(history.body.items[1]).toMatchObject({
      from: 'requested',
      to: 'rejected',
      reason: 'No capacity this quarter',
    });
  });

  it.each([
    ['requested', 'completed'],
    ['requested', 'in-progress'],
    ['requested', 'on-hold'],
  ] as const)(
    'when a %s Task is PUT as %s, then 409 names the allowed ones and nothing changes',
    async (_, to) => {
      const created = await post(ehrServiceRequest());
      const task = await taskOf(created.body.id);
      const before = await footprint(t.db);
      const res = await moveTask(task, to, 'Because');
      expect(res.status).toBe(409);
      expect(res.body.issue[0].expression).toEqual(['Task.status']);
      expect(res.body.issue[0].details.text).toContain('allowed: accepted, rejected, cancelled');
      expect(await footprint(t.db)).toEqual(before);
    },
  );

  it('when a completed Task is PUT back to in-progress, then 409 says completed is final', async () => {
    const created = await post(ehrServiceRequest());
    let task = await taskOf(created.body.id);
    for (const status of ['accepted', 'in-progress', 'completed'] as const)
      task = (await moveTask(task, status)).body;
    const res = await moveTask(task, 'in-progress');
    expect(res.status).toBe(409);
    expect(res.body.issue[0].details.text).toContain('completed is final');
  });

  it('when a Task is PUT as draft, a status outside the lifecycle, then it is refused and nothing changes', async () => {
    const created = await post(ehrServiceRequest());
    const before = await footprint(t.db);
    const res = await moveTask(await taskOf(created.body.id), 'draft');
    expect(res.status).toBe(422);
    expect(res.body.issue[0].expression).toEqual(['Task.status']);
    expect(await footprint(t.db)).toEqual(before);
  });

  it.each(['rejected', 'cancelled'] as const)(
    'when a Task is PUT as %s without statusReason, then 400 points at Task.statusReason',
    async (status) => {
      const created = await post(ehrServiceRequest());
      const before = await footprint(t.db);
      const res = await moveTask(await taskOf(created.body.id), status);
      expect(res.status).toBe(400);
      expect(res.body.issue[0].expression).toEqual(['Task.statusReason']);
      expect(await footprint(t.db)).toEqual(before);
    },
  );

  it('when a Task PUT changes its focus, then 422 points at Task.focus and nothing changes', async () => {
    const created = await post(ehrServiceRequest());
    const other = await post(ehrServiceRequest());
    const task = await taskOf(created.body.id);
    const before = await footprint(t.db);
    const res = await put({ ...task, focus: { reference: `ServiceRequest/${other.body.id}` } });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].expression).toEqual(['Task.focus']);
    expect(await footprint(t.db)).toEqual(before);
  });

  it('when a Task PUT changes its patient, then 422 points at Task.for and nothing changes', async () => {
    const created = await post(ehrServiceRequest());
    const task = await taskOf(created.body.id);
    const before = await footprint(t.db);
    const res = await put({ ...task, for: { reference: 'Patient/someone-else' } });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].expression).toEqual(['Task.for']);
    expect(await footprint(t.db)).toEqual(before);
  });

  it('when a Task PUT names an old version in If-Match, then 412 and nothing changes', async () => {
    const created = await post(ehrServiceRequest());
    const task = await taskOf(created.body.id);
    await moveTask(task, 'accepted');
    const before = await footprint(t.db);
    const res = await fhirClient(t)
      .put(`/fhir/Task/${task.id}`)
      .set('Content-Type', FHIR)
      .set('If-Match', 'W/"1"')
      .send({ ...task, status: 'rejected', statusReason: { text: 'stale' } });
    expect(res.status).toBe(412);
    expect(await footprint(t.db)).toEqual(before);
  });

  it('when a Task PUT keeps the status and adds a note, then it is stored and an update event is written', async () => {
    const created = await post(ehrServiceRequest());
    const task = await taskOf(created.body.id);
    const res = await put({ ...task, note: [{ text: 'Left a voicemail' }] });
    expect(res.status).toBe(200);
    expect(res.body.meta.versionId).toBe('2');
    const events = await t.db.query<{ event_type: string }>(
      'SELECT event_type FROM referral.event_outbox WHERE aggregate_id = $1 ORDER BY seq',
      [created.body.id],
    );
    expect(events.map((e) => e.event_type)).toEqual(['referral.created', 'referral.updated']);
  });

  it("when a referral's ServiceRequest is PUT with another status, then 422 says to change the Task", async () => {
    const created = await post(ehrServiceRequest());
    const before = await footprint(t.db);
    const res = await put({ ...created.body, status: 'completed' });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].expression).toEqual(['ServiceRequest.status']);
    expect(await footprint(t.db)).toEqual(before);
  });

  it("when a referral's ServiceRequest is PUT with another patient, then 422 points at ServiceRequest.subject", async () => {
    const created = await post(ehrServiceRequest());
    const res = await put({ ...created.body, subject: { reference: 'Patient/someone-else' } });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].expression).toEqual(['ServiceRequest.subject']);
  });

  it('when a Task that tracks no referral is PUT, then it is stored as any FHIR Task', async () => {
    const plainRequest = await post(ehrServiceRequest({ code: { text: 'Physiotherapy' } }));
    const plain = await fhirClient(t)
      .post('/fhir/Task')
      .set('Content-Type', FHIR)
      .send({
        resourceType: 'Task',
        status: 'requested',
        intent: 'order',
        code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
        focus: { reference: `ServiceRequest/${plainRequest.body.id}` },
        for: { reference: 'Patient/plain-task-patient' },
      });
    expect(plain.status).toBe(201);
    const res = await put({ ...plain.body, status: 'completed' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('completed');
  });
});

describe("a referral's resources stay on record", () => {
  it.each(['ServiceRequest', 'Task'])(
    "when a referral's %s is deleted, then 409 says to cancel instead and nothing changes",
    async (type) => {
      const created = await post(ehrServiceRequest());
      const task = await taskOf(created.body.id);
      const id = type === 'Task' ? task.id : created.body.id;
      const before = await footprint(t.db);
      const res = await fhirClient(t).delete(`/fhir/${type}/${id}`);
      expect(res.status).toBe(409);
      expect(res.body.issue[0].details.text).toContain('cancel the referral instead');
      expect(await footprint(t.db)).toEqual(before);
      expect((await fhirClient(t).get(`/fhir/${type}/${id}`)).status).toBe(200);
    },
  );

  it('when a plain ServiceRequest is deleted, then it is gone', async () => {
    const plain = await post(ehrServiceRequest({ code: { text: 'Physiotherapy' } }));
    expect((await fhirClient(t).delete(`/fhir/ServiceRequest/${plain.body.id}`)).status).toBe(204);
    expect((await fhirClient(t).get(`/fhir/ServiceRequest/${plain.body.id}`)).status).toBe(410);
  });

  it("when a second Task is POSTed for a referral's ServiceRequest, then 422 points at Task.focus and nothing is stored", async () => {
    const created = await post(ehrServiceRequest());
    const task = await taskOf(created.body.id);
    const before = await footprint(t.db);
    const second = { ...task, status: 'accepted' } as Partial<Task>;
    delete second.id;
    delete second.meta;
    const res = await fhirClient(t).post('/fhir/Task').set('Content-Type', FHIR).send(second);
    expect(res.status).toBe(422);
    expect(res.body.issue[0].expression).toEqual(['Task.focus']);
    expect(await footprint(t.db)).toEqual(before);
  });
});
