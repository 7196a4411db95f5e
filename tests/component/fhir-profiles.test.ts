import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CapabilityStatement } from '@medplum/fhirtypes';
import { referralService } from '@peerbridge/referral';
import { serviceRequest, task } from '../support/fixtures.js';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let api: ReturnType<typeof fhirClient>;

beforeAll(async () => {
  t = await startTestApp([referralService]);
  api = fhirClient(t);
});
afterAll(() => t.close());

describe('PeerBridge profiles', () => {
  it('when a ServiceRequest has no code, then its profile rejects it with 400 pointing at code', async () => {
    const { code: _code, ...withoutCode } = serviceRequest();
    const res = await api
      .post('/fhir/ServiceRequest')
      .set('Content-Type', 'application/fhir+json')
      .send(withoutCode);
    expect(res.status).toBe(400);
    expect(res.body.issue).toContainEqual(expect.objectContaining({ expression: ['ServiceRequest.code'] }));
  });

  it('when a Task has no focus, then its profile rejects it with 400 pointing at focus', async () => {
    const { focus: _focus, ...withoutFocus } = task('ServiceRequest/1', 'Patient/1');
    const res = await api.post('/fhir/Task').set('Content-Type', 'application/fhir+json').send(withoutFocus);
    expect(res.status).toBe(400);
    expect(res.body.issue).toContainEqual(expect.objectContaining({ expression: ['Task.focus'] }));
  });

  it('when a resource meets its profile, then it is stored', async () => {
    const res = await api
      .post('/fhir/Task')
      .set('Content-Type', 'application/fhir+json')
      .send(task('ServiceRequest/1', 'Patient/1'));
    expect(res.status).toBe(201);
  });

  it('when the CapabilityStatement is read, then each resource names its profile', async () => {
    const res = await api.get('/fhir/metadata');
    const resources = (res.body as CapabilityStatement).rest![0]!.resource!;
    expect(resources.find((r) => r.type === 'ServiceRequest')?.supportedProfile).toEqual([
      'https://peerbridge.org/fhir/StructureDefinition/peerbridge-servicerequest',
    ]);
    expect(resources.find((r) => r.type === 'Task')?.supportedProfile).toEqual([
      'https://peerbridge.org/fhir/StructureDefinition/peerbridge-referral-task',
    ]);
  });
});
