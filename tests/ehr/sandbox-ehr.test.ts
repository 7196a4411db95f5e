import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from 'fhir-kit-client';
import request from 'supertest';
import type { Bundle, CapabilityStatement, Patient, ServiceRequest, Task } from '@medplum/fhirtypes';
import { referralService } from '@peerbridge/referral';
import { EHR_PROGRAM_ID, ehrMrn, ehrPatientId } from '@peerbridge/sandbox';
import { startListeningTestApp, type ListeningTestApp } from '../support/test-app.js';
import { clientAssertion, requestBackendToken } from '../sandbox/sandbox-client.js';
import { clearEhrFault, sandboxEhrClient, setEhrFault } from './sandbox-ehr-access.js';

describe('the sandbox EHR (Medplum FHIR router at /sandbox/ehr/fhir)', () => {
  let t: ListeningTestApp;
  let ehrBase: string;
  let ehrToken: string;

  beforeAll(async () => {
    t = await startListeningTestApp([referralService], { SANDBOX: '1' });
    ehrBase = `${t.baseUrl}/sandbox/ehr/fhir`;
    ehrToken = await sandboxEhrClient(t.config).tokens.get();
  });
  afterEach(async () => {
    await clearEhrFault(t.baseUrl);
  });
  afterAll(async () => {
    await t.close();
  });

  const ehr = () => new Client({ baseUrl: ehrBase, bearerToken: ehrToken });

  it('when its metadata is read without a token, then it is its own CapabilityStatement with SMART security', async () => {
    const res = await request(t.app).get('/sandbox/ehr/fhir/metadata').expect(200);
    const metadata = res.body as CapabilityStatement;
    expect(metadata).toMatchObject({
      resourceType: 'CapabilityStatement',
      fhirVersion: '4.0.1',
      kind: 'instance',
    });
    expect(metadata.implementation?.url).toBe(ehrBase);
    expect(metadata.rest?.[0]?.security?.extension?.[0]?.extension).toEqual([
      { url: 'token', valueUri: `${t.baseUrl}/sandbox/auth/token` },
      { url: 'authorize', valueUri: `${t.baseUrl}/sandbox/auth/auth` },
    ]);
    expect(metadata.rest?.[0]?.resource?.map((resource) => resource.type)).toEqual(
      expect.arrayContaining(['Patient', 'ServiceRequest', 'Task', 'Organization', 'Practitioner']),
    );
    const discovery = await request(t.app)
      .get('/sandbox/ehr/fhir/.well-known/smart-configuration')
      .expect(200);
    expect(discovery.body.token_endpoint).toBe(`${t.baseUrl}/sandbox/auth/token`);
  });

  it('when fhir-kit-client searches by MRN and reads the patient with an EHR token, then it gets the demo patient', async () => {
    const found = (await ehr().search({
      resourceType: 'Patient',
      searchParams: { identifier: ehrMrn(2) },
    })) as unknown as Bundle<Patient>;
    expect(found.total).toBe(1);
    const patient = found.entry![0]!.resource!;
    expect(patient.id).toBe(ehrPatientId(2));
    expect(found.entry![0]!.fullUrl).toBe(`${ehrBase}/Patient/${ehrPatientId(2)}`);
    const read = (await ehr().read({ resourceType: 'Patient', id: ehrPatientId(2) })) as unknown as Patient;
    expect(read.identifier?.[0]).toMatchObject({
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
      value: ehrMrn(2),
    });
    expect(read.name?.[0]).toMatchObject({ given: ['Luis'], family: 'Hernández' });
    expect(read.birthDate).toBe('1975-11-02');
    expect(read.communication?.[0]).toMatchObject({
      preferred: true,
      language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'es' }] },
    });
  });

  it('when all patients are searched, then there are a dozen, paged with next links', async () => {
    const first = (await ehr().search({
      resourceType: 'Patient',
      searchParams: { _count: 5 },
    })) as unknown as Bundle<Patient>;
    expect(first.total).toBe(12);
    expect(first.entry).toHaveLength(5);
    const ids = first.entry!.map((entry) => entry.resource!.id);
    let page: Bundle<Patient> | undefined = first;
    while (
      (page = (await ehr().nextPage({ bundle: page as never })) as unknown as Bundle<Patient> | undefined)
    ) {
      ids.push(...page.entry!.map((entry) => entry.resource!.id));
    }
    expect(new Set(ids).size).toBe(12);
  });

  it('when the peer-support referrals and the Tasks owned by the program are searched, then four of each wait', async () => {
    const referrals = (await ehr().search({
      resourceType: 'ServiceRequest',
      searchParams: { code: 'http://snomed.info/sct|461481000124109' },
    })) as unknown as Bundle<ServiceRequest>;
    expect(referrals.total).toBe(4);
    expect(referrals.entry![0]!.resource!.code?.coding?.[0]).toEqual({
      system: 'http://snomed.info/sct',
      code: '461481000124109',
      display: 'Referral to peer support (procedure)',
    });
    const tasks = (await ehr().search({
      resourceType: 'Task',
      searchParams: { owner: `Organization/${EHR_PROGRAM_ID}`, status: 'requested' },
    })) as unknown as Bundle<Task>;
    expect(tasks.total).toBe(4);
    expect(tasks.entry!.map((entry) => entry.resource!.focus?.reference).sort()).toEqual(
      referrals.entry!.map((entry) => `ServiceRequest/${entry.resource!.id}`).sort(),
    );
  });

  it('when a resource is created, then it answers 201 with its Location and it can be read back', async () => {
    const res = await request(t.app)
      .post('/sandbox/ehr/fhir/Task')
      .set('Authorization', `Bearer ${ehrToken}`)
      .set('Content-Type', 'application/fhir+json')
      .send({
        resourceType: 'Task',
        status: 'in-progress',
        intent: 'order',
        identifier: [{ system: 'urn:test', value: 'x1' }],
      })
      .expect(201);
    expect(res.headers.location).toMatch(new RegExp(`^${ehrBase}/Task/${res.body.id}/_history/`));
    await request(t.app)
      .get(`/sandbox/ehr/fhir/Task/${res.body.id}`)
      .set('Authorization', `Bearer ${ehrToken}`)
      .expect(200);
  });

  it("when a token for PeerBridge's FHIR API is sent to the EHR, then the EHR refuses it with 401", async () => {
    const peerBridgeToken = (
      await requestBackendToken(
        t.app,
        await clientAssertion('RS384', { aud: `${t.baseUrl}/sandbox/auth/token` }),
        'system/*.rs',
      ).expect(200)
    ).body.access_token as string;
    await request(t.app)
      .get('/fhir/ServiceRequest')
      .set('Authorization', `Bearer ${peerBridgeToken}`)
      .expect(200);
    const res = await request(t.app)
      .get('/sandbox/ehr/fhir/Patient')
      .set('Authorization', `Bearer ${peerBridgeToken}`)
      .expect(401);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="sandbox-ehr"');
  });

  it('when a token for the EHR is sent to PeerBridge, then PeerBridge refuses it with 401', async () => {
    await request(t.app)
      .get('/sandbox/ehr/fhir/Patient')
      .set('Authorization', `Bearer ${ehrToken}`)
      .expect(200);
    await request(t.app).get('/fhir/ServiceRequest').set('Authorization', `Bearer ${ehrToken}`).expect(401);
  });

  it('when there is no token, then the EHR answers 401', async () => {
    await request(t.app).get('/sandbox/ehr/fhir/Patient').expect(401);
  });

  it('when the token has no scope for the interaction, then the EHR answers 403', async () => {
    const readOnly = await sandboxEhrClient(t.config, { scopes: ['system/Patient.rs'] }).tokens.get();
    await request(t.app)
      .get('/sandbox/ehr/fhir/Patient')
      .set('Authorization', `Bearer ${readOnly}`)
      .expect(200);
    await request(t.app)
      .post('/sandbox/ehr/fhir/Task')
      .set('Authorization', `Bearer ${readOnly}`)
      .set('Content-Type', 'application/fhir+json')
      .send({ resourceType: 'Task', status: 'requested', intent: 'order' })
      .expect(403);
  });

  it('when a 503 fault is set for two requests, then two answers are 503 with Retry-After and the third is 200', async () => {
    await setEhrFault(t.baseUrl, { kind: 503, target: 'fhir', count: 2, retryAfterSeconds: 7 });
    for (const _ of [1, 2]) {
      const res = await request(t.app)
        .get('/sandbox/ehr/fhir/Patient')
        .set('Authorization', `Bearer ${ehrToken}`)
        .expect(503);
      expect(res.headers['retry-after']).toBe('7');
    }
    await request(t.app)
      .get('/sandbox/ehr/fhir/Patient')
      .set('Authorization', `Bearer ${ehrToken}`)
      .expect(200);
    const status = await request(t.app).get('/sandbox/ehr/_faults').expect(200);
    expect(status.body).toEqual({ fault: null, failed: 2 });
  });

  it.each([
    [429, 429],
    [500, 500],
    ['html', 502],
  ] as const)('when a %s fault is set, then the EHR answers %s until it is cleared', async (kind, status) => {
    await setEhrFault(t.baseUrl, { kind, target: 'fhir' });
    await request(t.app)
      .get('/sandbox/ehr/fhir/Patient')
      .set('Authorization', `Bearer ${ehrToken}`)
      .expect(status);
    await clearEhrFault(t.baseUrl);
    await request(t.app)
      .get('/sandbox/ehr/fhir/Patient')
      .set('Authorization', `Bearer ${ehrToken}`)
      .expect(200);
  });

  it('when a fault is malformed, then the control refuses it with 400 and nothing fails', async () => {
    await request(t.app).put('/sandbox/ehr/_faults').send({ kind: 418 }).expect(400);
    await request(t.app)
      .get('/sandbox/ehr/fhir/Patient')
      .set('Authorization', `Bearer ${ehrToken}`)
      .expect(200);
  });

  it('when the launch page is opened, then it lists the dozen patients and the registered app', async () => {
    const res = await request(t.app).get('/sandbox/ehr/launch').expect(200);
    expect(res.text.match(/<option value="ehr-patient-\d\d">/g)).toHaveLength(12);
    expect(res.text).toContain('<option value="peerbridge-demo-app">');
  });

  it('when a launch is started, then the app is opened with PeerBridge as iss and the patient in launch', async () => {
    const res = await request(t.app)
      .get('/sandbox/ehr/launch/start')
      .query({
        patient: ehrPatientId(5),
        app: 'peerbridge-demo-app',
        launch_url: 'http://localhost:4321/launch.html?scope=launch',
      })
      .expect(303);
    const target = new URL(res.headers.location!);
    expect(target.origin + target.pathname).toBe('http://localhost:4321/launch.html');
    expect(target.searchParams.get('scope')).toBe('launch');
    expect(target.searchParams.get('iss')).toBe(`${t.baseUrl}/fhir`);
    expect(JSON.parse(Buffer.from(target.searchParams.get('launch')!, 'base64url').toString())).toEqual({
      patient: ehrPatientId(5),
    });
  });

  it.each([
    [
      'a launch URL off this machine',
      { patient: ehrPatientId(1), app: 'peerbridge-demo-app', launch_url: 'https://evil.example/launch' },
      'launch_url must be a loopback http(s) URL',
    ],
    [
      'an unknown patient',
      { patient: 'nobody', app: 'peerbridge-demo-app', launch_url: 'http://localhost:1/launch' },
      'patient must be a patient of this EHR',
    ],
    [
      'an unregistered app',
      { patient: ehrPatientId(1), app: 'stranger', launch_url: 'http://localhost:1/launch' },
      'app must be a registered SMART app',
    ],
  ])('when a launch names %s, then it is refused with 400 and no redirect', async (_case, query, message) => {
    const res = await request(t.app).get('/sandbox/ehr/launch/start').query(query).expect(400);
    expect(res.text).toBe(message);
    expect(res.headers.location).toBeUndefined();
  });

  it('when a body is not JSON, then the EHR answers 400 with an OperationOutcome and creates nothing', async () => {
    const before = (await ehr().search({
      resourceType: 'Task',
      searchParams: { _count: 1 },
    })) as unknown as Bundle;
    const res = await request(t.app)
      .post('/sandbox/ehr/fhir/Task')
      .set('Authorization', `Bearer ${ehrToken}`)
      .set('Content-Type', 'application/fhir+json')
      .send('{"resourceType": "Task", "status": ')
      .expect(400);
    expect(res.body.issue[0].code).toBe('structure');
    const after = (await ehr().search({
      resourceType: 'Task',
      searchParams: { _count: 1 },
    })) as unknown as Bundle;
    expect(after.total).toBe(before.total);
  });

  it('when Tasks owned by the program are searched by _lastUpdated, then only those changed since are found, as intake polls', async () => {
    const since = new Date().toISOString();
    const owned = { owner: `Organization/${EHR_PROGRAM_ID}`, _lastUpdated: `gt${since}` };
    const none = (await ehr().search({
      resourceType: 'Task',
      searchParams: owned,
    })) as unknown as Bundle<Task>;
    expect(none.total).toBe(0);
    const created = (await ehr().create({
      resourceType: 'Task',
      body: {
        resourceType: 'Task',
        status: 'requested',
        intent: 'order',
        owner: { reference: `Organization/${EHR_PROGRAM_ID}` },
      },
    })) as unknown as Task;
    const found = (await ehr().search({
      resourceType: 'Task',
      searchParams: owned,
    })) as unknown as Bundle<Task>;
    expect(found.entry?.map((entry) => entry.resource!.id)).toEqual([created.id]);
  });
});
