import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { Bundle, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { referralService } from '@peerbridge/referral';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { authHeader, patientAuthHeader } from '../support/tokens.js';
import { expectForbidden } from './expectations.js';
import { task } from '../support/fixtures.js';
import { EDUCATION, referralFor } from './referral-resources.js';

// A patient/ token sees and writes only its own patient's compartment: ServiceRequest by subject
// or performer (R4 CompartmentDefinition), Task by `for` (our documented choice; R4 has none).

let t: TestApp;
const alice = randomUUID();
const bob = randomUUID();
let aliceReferral: ServiceRequest & { id: string };
let aliceEducation: ServiceRequest & { id: string };
let bobReferral: ServiceRequest & { id: string };
let aliceTask: Task & { id: string };
let bobTask: Task & { id: string };
/** Alice's Task whose focus is (wrongly) Bob's referral: `_include` must not reveal it. */
let crossTask: Task & { id: string };

const admin = () => authHeader('system/*.*');

async function create<T extends Resource>(resource: T): Promise<T & { id: string }> {
  const res = await request(t.app)
    .post(`/fhir/${resource.resourceType}`)
    .set('Authorization', await admin())
    .send(resource);
  expect(res.status).toBe(201);
  return res.body;
}

beforeAll(async () => {
  t = await startTestApp([referralService]);
  aliceReferral = await create(referralFor(alice));
  aliceEducation = await create(referralFor(alice, { category: [{ coding: [EDUCATION] }] }));
  bobReferral = await create(referralFor(bob));
  aliceTask = await create(task(`ServiceRequest/${aliceReferral.id}`, `Patient/${alice}`));
  bobTask = await create(task(`ServiceRequest/${bobReferral.id}`, `Patient/${bob}`));
  crossTask = await create(task(`ServiceRequest/${bobReferral.id}`, `Patient/${alice}`));
});
afterAll(() => t.close());

const ids = (bundle: Bundle, mode: 'match' | 'include') =>
  (bundle.entry ?? []).filter((entry) => entry.search?.mode === mode).map((entry) => entry.resource!.id);

describe('read', () => {
  it("when a patient token reads its own patient's referral, then 200", async () => {
    const res = await request(t.app)
      .get(`/fhir/ServiceRequest/${aliceReferral.id}`)
      .set('Authorization', await patientAuthHeader(alice));
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(aliceReferral.id);
  });

  it("when a patient token reads another patient's referral, then 404 as if it did not exist", async () => {
    const res = await request(t.app)
      .get(`/fhir/ServiceRequest/${bobReferral.id}`)
      .set('Authorization', await patientAuthHeader(alice));
    expect(res.status).toBe(404);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it("when a patient token reads another patient's Task, then 404", async () => {
    const res = await request(t.app)
      .get(`/fhir/Task/${bobTask.id}`)
      .set('Authorization', await patientAuthHeader(alice));
    expect(res.status).toBe(404);
  });

  it("when a patient token vreads or reads the history of another patient's referral, then 404", async () => {
    const authorization = await patientAuthHeader(alice);
    const vread = await request(t.app)
      .get(`/fhir/ServiceRequest/${bobReferral.id}/_history/1`)
      .set('Authorization', authorization);
    const history = await request(t.app)
      .get(`/fhir/ServiceRequest/${bobReferral.id}/_history`)
      .set('Authorization', authorization);
    expect([vread.status, history.status]).toEqual([404, 404]);
  });

  it("when the patient is the referral's performer rather than its subject, then the referral is in the compartment", async () => {
    const performed = await create(referralFor(bob, { performer: [{ reference: `Patient/${alice}` }] }));
    const res = await request(t.app)
      .get(`/fhir/ServiceRequest/${performed.id}`)
      .set('Authorization', await patientAuthHeader(alice));
    expect(res.status).toBe(200);
  });
});

describe('search', () => {
  it("when a patient token searches referrals, then only its own patient's are found and counted", async () => {
    const res = await request(t.app)
      .get('/fhir/ServiceRequest?_count=100')
      .set('Authorization', await patientAuthHeader(alice));
    expect(res.status).toBe(200);
    const found = ids(res.body, 'match');
    expect(found).toEqual(expect.arrayContaining([aliceReferral.id, aliceEducation.id]));
    expect(found).not.toContain(bobReferral.id);
    for (const entry of res.body.entry) {
      const referral = entry.resource as ServiceRequest;
      const references = [referral.subject.reference, ...(referral.performer ?? []).map((p) => p.reference)];
      expect(references).toContain(`Patient/${alice}`);
    }
    expect(res.body.total).toBe(found.length);
  });

  it("when a patient token searches explicitly for another patient's referrals, then the result is empty", async () => {
    const res = await request(t.app)
      .get(`/fhir/ServiceRequest?subject=Patient/${bob}&_id=${bobReferral.id}`)
      .set('Authorization', await patientAuthHeader(alice));
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(0);
    expect(ids(res.body, 'match')).toEqual([]);
  });

  it('when a patient token pages through results, then totals and next links only count its own patient', async () => {
    const res = await request(t.app)
      .get('/fhir/Task?_count=1')
      .set('Authorization', await patientAuthHeader(bob));
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    expect(ids(res.body, 'match')).toEqual([bobTask.id]);
    expect(res.body.link.map((link: { relation: string }) => link.relation)).not.toContain('next');
  });

  it("when a patient token searches Tasks with _include=Task:focus, then another patient's referral is never included", async () => {
    const res = await request(t.app)
      .get('/fhir/Task?_include=Task:focus&_count=100')
      .set('Authorization', await patientAuthHeader(alice));
    expect(res.status).toBe(200);
    expect(ids(res.body, 'match').sort()).toEqual([aliceTask.id, crossTask.id].sort());
    expect(ids(res.body, 'include')).toEqual([aliceReferral.id]);
  });

  it('when the token may search Tasks but not read referrals, then _include adds no referral', async () => {
    const res = await request(t.app)
      .get('/fhir/Task?_include=Task:focus')
      .set('Authorization', await patientAuthHeader(alice, 'patient/Task.rs'));
    expect(res.status).toBe(200);
    expect(ids(res.body, 'match').length).toBe(2);
    expect(ids(res.body, 'include')).toEqual([]);
  });

  it('when a system token searches with _include, then every focus is included (no confinement)', async () => {
    const res = await request(t.app)
      .get(`/fhir/Task?_id=${crossTask.id}&_include=Task:focus`)
      .set('Authorization', await admin());
    expect(ids(res.body, 'include')).toEqual([bobReferral.id]);
  });
});

describe('granular scopes', () => {
  const counsellingOnly = 'patient/ServiceRequest.rs?category=http://snomed.info/sct|409063005';

  it('when the scope is limited to one category, then a search only finds referrals of that category', async () => {
    const res = await request(t.app)
      .get('/fhir/ServiceRequest?_count=100')
      .set('Authorization', await patientAuthHeader(alice, counsellingOnly));
    expect(res.status).toBe(200);
    const found = ids(res.body, 'match');
    expect(found).toContain(aliceReferral.id);
    expect(found).not.toContain(aliceEducation.id);
    expect(res.body.total).toBe(found.length);
  });

  it('when the scope is limited to one category, then reading a referral of another category answers 404', async () => {
    const res = await request(t.app)
      .get(`/fhir/ServiceRequest/${aliceEducation.id}`)
      .set('Authorization', await patientAuthHeader(alice, counsellingOnly));
    expect(res.status).toBe(404);
  });

  it('when two granular scopes name different categories, then both categories are visible', async () => {
    const scope = `${counsellingOnly} patient/ServiceRequest.rs?category=http://snomed.info/sct|409073007`;
    const res = await request(t.app)
      .get('/fhir/ServiceRequest?_count=100')
      .set('Authorization', await patientAuthHeader(alice, scope));
    expect(ids(res.body, 'match')).toEqual(expect.arrayContaining([aliceReferral.id, aliceEducation.id]));
  });

  it('when a granular scope filters on a parameter the type does not index, then it grants nothing', async () => {
    const res = await request(t.app)
      .get('/fhir/ServiceRequest')
      .set('Authorization', await patientAuthHeader(alice, 'patient/ServiceRequest.rs?no-such-parameter=x'));
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(0);
  });

  it('when a patient scope and a user scope are both held, then the user scope is not confined to the patient', async () => {
    const res = await request(t.app)
      .get(`/fhir/ServiceRequest/${bobReferral.id}`)
      .set(
        'Authorization',
        await authHeader('patient/ServiceRequest.rs user/ServiceRequest.rs', { patient: alice }),
      );
    expect(res.status).toBe(200);
  });
});

describe('write', () => {
  it('when a patient token creates a referral for its own patient, then 201', async () => {
    const res = await request(t.app)
      .post('/fhir/ServiceRequest')
      .set('Authorization', await patientAuthHeader(alice))
      .send(referralFor(alice));
    expect(res.status).toBe(201);
  });

  it('when a patient token creates a referral for another patient, then 403 and nothing is stored', async () => {
    const referral = referralFor(bob);
    const res = await request(t.app)
      .post('/fhir/ServiceRequest')
      .set('Authorization', await patientAuthHeader(alice))
      .send(referral);
    expectForbidden(res);
    const stored = await request(t.app)
      .get(`/fhir/ServiceRequest?identifier=urn:peerbridge:test:placer|${referral.identifier![0]!.value}`)
      .set('Authorization', await admin());
    expect(stored.body.total).toBe(0);
  });

  it("when a patient token updates another patient's referral, then 403 and it is unchanged", async () => {
    const res = await request(t.app)
      .put(`/fhir/ServiceRequest/${bobReferral.id}`)
      .set('Authorization', await patientAuthHeader(alice))
      .send({ ...bobReferral, subject: { reference: `Patient/${alice}` } });
    expectForbidden(res);
    await expectVersion(bobReferral, '1');
  });

  it('when a patient token moves its own referral to another patient, then 403 and it is unchanged', async () => {
    const own = await create(referralFor(alice));
    const res = await request(t.app)
      .put(`/fhir/ServiceRequest/${own.id}`)
      .set('Authorization', await patientAuthHeader(alice))
      .send({ ...own, subject: { reference: `Patient/${bob}` } });
    expectForbidden(res);
    await expectVersion(own, '1');
  });

  it("when a patient token updates its own patient's referral, then 200", async () => {
    const own = await create(referralFor(alice));
    const res = await request(t.app)
      .put(`/fhir/ServiceRequest/${own.id}`)
      .set('Authorization', await patientAuthHeader(alice))
      .send({ ...own, status: 'on-hold' });
    expect(res.status).toBe(200);
  });

  it("when a patient token deletes another patient's Task, then 403 and the Task still reads", async () => {
    const res = await request(t.app)
      .delete(`/fhir/Task/${bobTask.id}`)
      .set('Authorization', await patientAuthHeader(alice));
    expectForbidden(res);
    await expectVersion(bobTask, '1');
  });
});

async function expectVersion(resource: Resource & { id: string }, versionId: string): Promise<void> {
  const res = await request(t.app)
    .get(`/fhir/${resource.resourceType}/${resource.id}`)
    .set('Authorization', await admin());
  expect(res.status).toBe(200);
  expect(res.body.meta.versionId).toBe(versionId);
}
