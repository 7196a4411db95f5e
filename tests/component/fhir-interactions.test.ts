import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, ServiceRequest } from '@medplum/fhirtypes';
import { referralService } from '@peerbridge/referral';
import { serviceRequest } from '../support/fixtures.js';
import { fhirClient, startTestApp, TEST_BASE_URL, type TestApp } from '../support/test-app.js';

let t: TestApp;
let api: ReturnType<typeof fhirClient>;

beforeAll(async () => {
  t = await startTestApp([referralService]);
  api = fhirClient(t);
});
afterAll(() => t.close());

/**
 * A ServiceRequest that is not a peer support referral (no referral code), for store behaviour
 * the referral rules would get in the way of: a referral cannot be deleted or get a second Task.
 */
const plainServiceRequest = () => serviceRequest({ code: { text: 'Physiotherapy' } });

async function create(resource: ServiceRequest = serviceRequest()): Promise<ServiceRequest> {
  const res = await api
    .post('/fhir/ServiceRequest')
    .set('Content-Type', 'application/fhir+json')
    .send(resource);
  expect(res.status).toBe(201);
  return res.body as ServiceRequest;
}

describe('create', () => {
  it('when a valid resource is posted, then it is stored with a server id, version 1, Location and ETag', async () => {
    const res = await api
      .post('/fhir/ServiceRequest')
      .set('Content-Type', 'application/fhir+json')
      .send({ ...serviceRequest(), id: 'client-chosen', meta: { versionId: '99' } });

    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.id).not.toBe('client-chosen');
    expect(res.body.meta.versionId).toBe('1');
    expect(Date.parse(res.body.meta.lastUpdated)).not.toBeNaN();
    expect(res.headers.etag).toBe('W/"1"');
    expect(res.headers.location).toBe(`${TEST_BASE_URL}/fhir/ServiceRequest/${res.body.id}/_history/1`);
  });

  it('when the body is sent as application/json, then it is accepted too', async () => {
    const res = await api
      .post('/fhir/ServiceRequest')
      .set('Content-Type', 'application/json')
      .send(serviceRequest());
    expect(res.status).toBe(201);
  });

  it('when Prefer: return=minimal is sent, then the answer has headers but no body', async () => {
    const res = await api
      .post('/fhir/ServiceRequest')
      .set('Content-Type', 'application/fhir+json')
      .set('Prefer', 'return=minimal')
      .send(serviceRequest());
    expect(res.status).toBe(201);
    expect(res.text).toBe('');
    expect(res.headers.location).toMatch(/\/_history\/1$/);
  });
});

describe('conditional create', () => {
  it('when If-None-Exist matches nothing, then the resource is created', async () => {
    const resource = serviceRequest();
    const identifier = resource.identifier![0]!;
    const res = await api
      .post('/fhir/ServiceRequest')
      .set('Content-Type', 'application/fhir+json')
      .set('If-None-Exist', `identifier=${identifier.system}|${identifier.value}`)
      .send(resource);
    expect(res.status).toBe(201);
  });

  it('when If-None-Exist matches one resource, then 200 returns it and nothing new is stored', async () => {
    const existing = await create();
    const identifier = existing.identifier![0]!;
    const res = await api
      .post('/fhir/ServiceRequest')
      .set('Content-Type', 'application/fhir+json')
      .set('If-None-Exist', `identifier=${identifier.system}|${identifier.value}`)
      .send(serviceRequest({ identifier: [identifier] }));

    expect(res.status).toBe(200);
    expect(res.body.id).toBe(existing.id);
    const search = await api.get(`/fhir/ServiceRequest?identifier=${identifier.system}|${identifier.value}`);
    expect(search.body.total).toBe(1);
  });

  it('when If-None-Exist matches several resources, then 412 and nothing is stored', async () => {
    const shared = { system: 'urn:peerbridge:test:batch', value: `batch-${Date.now()}` };
    await create(serviceRequest({ identifier: [shared] }));
    await create(serviceRequest({ identifier: [shared] }));
    const res = await api
      .post('/fhir/ServiceRequest')
      .set('Content-Type', 'application/fhir+json')
      .set('If-None-Exist', `identifier=${shared.system}|${shared.value}`)
      .send(serviceRequest({ identifier: [shared] }));

    expect(res.status).toBe(412);
    expect(res.body.resourceType).toBe('OperationOutcome');
    const search = await api.get(`/fhir/ServiceRequest?identifier=${shared.system}|${shared.value}`);
    expect(search.body.total).toBe(2);
  });

  it('when two identical conditional creates race, then exactly one resource exists', async () => {
    const resource = serviceRequest();
    const identifier = resource.identifier![0]!;
    const post = () =>
      api
        .post('/fhir/ServiceRequest')
        .set('Content-Type', 'application/fhir+json')
        .set('If-None-Exist', `identifier=${identifier.system}|${identifier.value}`)
        .send(resource);
    const statuses = (await Promise.all([post(), post(), post()])).map((res) => res.status).sort();
    expect(statuses).toEqual([200, 200, 201]);
    const search = await api.get(`/fhir/ServiceRequest?identifier=${identifier.system}|${identifier.value}`);
    expect(search.body.total).toBe(1);
  });
});

describe('conditional create under a race', () => {
  it('when concurrent conditional creates spell the same criteria in different orders, then exactly one resource exists', async () => {
    const resource = serviceRequest();
    const identifier = `identifier=${resource.identifier![0]!.system}|${resource.identifier![0]!.value}`;
    const spellings = [`${identifier}&status=active`, `status=active&${identifier}`];
    const post = (criteria: string) =>
      api
        .post('/fhir/ServiceRequest')
        .set('Content-Type', 'application/fhir+json')
        .set('If-None-Exist', criteria)
        .send(resource);
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => post(spellings[i % 2]!)));
    expect(responses.map((res) => res.status).sort()).toEqual([...Array(19).fill(200), 201]);
    const search = await api.get(`/fhir/ServiceRequest?${identifier}`);
    expect(search.body.total).toBe(1);
  });
});

describe('read and vread', () => {
  it('when a stored resource is read, then it comes back with its ETag and Last-Modified', async () => {
    const created = await create();
    const res = await api.get(`/fhir/ServiceRequest/${created.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(created);
    expect(res.headers.etag).toBe('W/"1"');
    expect(res.headers['last-modified']).toBe(new Date(created.meta!.lastUpdated!).toUTCString());
  });

  it('when an unknown id is read, then 404 with an OperationOutcome', async () => {
    const res = await api.get('/fhir/ServiceRequest/does-not-exist');
    expect(res.status).toBe(404);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].code).toBe('not-found');
  });

  it('when an older version is read by vread, then that version is returned unchanged', async () => {
    const created = await create();
    await api
      .put(`/fhir/ServiceRequest/${created.id}`)
      .set('Content-Type', 'application/fhir+json')
      .send({ ...created, status: 'on-hold' });
    const res = await api.get(`/fhir/ServiceRequest/${created.id}/_history/1`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('active');
    expect(res.body.meta.versionId).toBe('1');
    expect(res.headers.etag).toBe('W/"1"');
  });

  it('when a version that does not exist is read, then 404', async () => {
    const created = await create();
    const res = await api.get(`/fhir/ServiceRequest/${created.id}/_history/7`);
    expect(res.status).toBe(404);
  });
});

describe('update', () => {
  it('when a resource is replaced, then its version increases and the change is stored', async () => {
    const created = await create();
    const res = await api
      .put(`/fhir/ServiceRequest/${created.id}`)
      .set('Content-Type', 'application/fhir+json')
      .send({ ...created, priority: 'urgent' });
    expect(res.status).toBe(200);
    expect(res.body.meta.versionId).toBe('2');
    expect(res.headers.etag).toBe('W/"2"');
    const read = await api.get(`/fhir/ServiceRequest/${created.id}`);
    expect(read.body.priority).toBe('urgent');
  });

  it('when If-Match names the current version, then the update succeeds', async () => {
    const created = await create();
    const res = await api
      .put(`/fhir/ServiceRequest/${created.id}`)
      .set('Content-Type', 'application/fhir+json')
      .set('If-Match', 'W/"1"')
      .send({ ...created, priority: 'asap' });
    expect(res.status).toBe(200);
  });

  it('when If-Match names an older version, then 412 and the resource is unchanged', async () => {
    const created = await create();
    await api
      .put(`/fhir/ServiceRequest/${created.id}`)
      .set('Content-Type', 'application/fhir+json')
      .send({ ...created, priority: 'urgent' });
    const res = await api
      .put(`/fhir/ServiceRequest/${created.id}`)
      .set('Content-Type', 'application/fhir+json')
      .set('If-Match', 'W/"1"')
      .send({ ...created, priority: 'stat' });
    expect(res.status).toBe(412);
    expect(res.body.resourceType).toBe('OperationOutcome');
    const read = await api.get(`/fhir/ServiceRequest/${created.id}`);
    expect(read.body.priority).toBe('urgent');
    expect(read.body.meta.versionId).toBe('2');
  });

  it('when the id in the body differs from the URL, then 400 pointing at id and nothing changes', async () => {
    const created = await create();
    const res = await api
      .put(`/fhir/ServiceRequest/${created.id}`)
      .set('Content-Type', 'application/fhir+json')
      .send({ ...created, id: 'another-id', priority: 'stat' });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['ServiceRequest.id']);
    const read = await api.get(`/fhir/ServiceRequest/${created.id}`);
    expect(read.body.meta.versionId).toBe('1');
  });

  it('when an id that was never created is updated, then 404', async () => {
    const res = await api
      .put('/fhir/ServiceRequest/never-created')
      .set('Content-Type', 'application/fhir+json')
      .send({ ...serviceRequest(), id: 'never-created' });
    expect(res.status).toBe(404);
  });
});

describe('delete', () => {
  it('when a resource is deleted, then reading it gives 410 and its history keeps every version', async () => {
    const created = await create(plainServiceRequest());
    const del = await api.delete(`/fhir/ServiceRequest/${created.id}`);
    expect(del.status).toBe(204);

    const read = await api.get(`/fhir/ServiceRequest/${created.id}`);
    expect(read.status).toBe(410);
    expect(read.body.issue[0].code).toBe('deleted');

    const history = await api.get(`/fhir/ServiceRequest/${created.id}/_history`);
    expect(history.body.total).toBe(2);
    expect(history.body.entry[0].request.method).toBe('DELETE');
    expect(history.body.entry[1].resource.id).toBe(created.id);
  });

  it('when a deleted resource is searched for, then it is not found', async () => {
    const created = await create(plainServiceRequest());
    await api.delete(`/fhir/ServiceRequest/${created.id}`);
    const search = await api.get(`/fhir/ServiceRequest?_id=${created.id}`);
    expect(search.body.total).toBe(0);
  });

  it('when a deleted resource is deleted again, then nothing changes', async () => {
    const created = await create(plainServiceRequest());
    await api.delete(`/fhir/ServiceRequest/${created.id}`);
    const again = await api.delete(`/fhir/ServiceRequest/${created.id}`);
    expect(again.status).toBe(204);
    const history = await api.get(`/fhir/ServiceRequest/${created.id}/_history`);
    expect(history.body.total).toBe(2);
  });

  it('when a deleted resource is updated, then 410', async () => {
    const created = await create(plainServiceRequest());
    await api.delete(`/fhir/ServiceRequest/${created.id}`);
    const res = await api
      .put(`/fhir/ServiceRequest/${created.id}`)
      .set('Content-Type', 'application/fhir+json')
      .send(created);
    expect(res.status).toBe(410);
  });

  it('when an unknown id is deleted, then 404', async () => {
    const res = await api.delete('/fhir/ServiceRequest/never-created');
    expect(res.status).toBe(404);
  });
});

describe('history', () => {
  it('when a resource has changed twice, then _history lists three versions newest first', async () => {
    const created = await create();
    for (const priority of ['urgent', 'stat'] as const) {
      await api
        .put(`/fhir/ServiceRequest/${created.id}`)
        .set('Content-Type', 'application/fhir+json')
        .send({ ...created, priority });
    }
    const res = await api.get(`/fhir/ServiceRequest/${created.id}/_history`);
    const bundle = res.body as Bundle<ServiceRequest>;
    expect(res.status).toBe(200);
    expect(bundle.type).toBe('history');
    expect(bundle.total).toBe(3);
    expect(bundle.entry!.map((e) => e.resource!.meta!.versionId)).toEqual(['3', '2', '1']);
    expect(bundle.entry!.map((e) => e.request!.method)).toEqual(['PUT', 'PUT', 'POST']);
    expect(bundle.entry![0]!.resource!.priority).toBe('stat');
  });

  it('when the history of an unknown id is asked for, then 404', async () => {
    const res = await api.get('/fhir/ServiceRequest/never-created/_history');
    expect(res.status).toBe(404);
  });
});

describe('ETags', () => {
  it('when anything but one resource version is answered, then there is no ETag: no content hash for a client to send back in If-Match', async () => {
    const created = await create();
    const answers = {
      metadata: await api.get('/fhir/metadata'),
      'a search Bundle': await api.get('/fhir/ServiceRequest?_count=1'),
      'a history Bundle': await api.get(`/fhir/ServiceRequest/${created.id}/_history`),
      'an error': await api.get('/fhir/ServiceRequest/never-created'),
      'smart-configuration': await api.get('/fhir/.well-known/smart-configuration'),
    };
    const etags = Object.fromEntries(Object.entries(answers).map(([name, res]) => [name, res.headers.etag]));
    expect(etags).toEqual({
      metadata: undefined,
      'a search Bundle': undefined,
      'a history Bundle': undefined,
      'an error': undefined,
      'smart-configuration': undefined,
    });
    expect(answers['a search Bundle'].status).toBe(200);
    expect(answers['an error'].status).toBe(404);
  });

  it('when a resource is read after an update, then its ETag is W/"<versionId>" of that version', async () => {
    const created = await create();
    await api
      .put(`/fhir/ServiceRequest/${created.id}`)
      .set('Content-Type', 'application/fhir+json')
      .send({ ...created, priority: 'urgent' })
      .expect(200);
    const read = await api.get(`/fhir/ServiceRequest/${created.id}`);
    expect(read.headers.etag).toBe('W/"2"');
    expect(read.body.meta.versionId).toBe('2');
  });
});

describe('Task', () => {
  it('when a Task is created and read, then it round-trips like any resource', async () => {
    const sr = await create(plainServiceRequest());
    const res = await api
      .post('/fhir/Task')
      .set('Content-Type', 'application/fhir+json')
      .send({
        resourceType: 'Task',
        status: 'requested',
        intent: 'order',
        code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
        focus: { reference: `ServiceRequest/${sr.id}` },
        for: sr.subject,
      });
    expect(res.status).toBe(201);
    const read = await api.get(`/fhir/Task/${res.body.id}`);
    expect(read.body.focus.reference).toBe(`ServiceRequest/${sr.id}`);
  });
});
