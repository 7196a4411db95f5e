import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CapabilityStatement } from '@medplum/fhirtypes';
import { referralService } from '@peerbridge/referral';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let api: ReturnType<typeof fhirClient>;
let statement: CapabilityStatement;

beforeAll(async () => {
  t = await startTestApp([referralService]);
  api = fhirClient(t);
  statement = (await api.get('/fhir/metadata')).body as CapabilityStatement;
});
afterAll(() => t.close());

const EXAMPLE_VALUES: Record<string, string> = {
  token: 'x',
  reference: 'Patient/x',
  date: 'ge2024-01-01',
  string: 'x',
};

describe('CapabilityStatement', () => {
  it('when metadata is read, then it is one R4 CapabilityStatement for the server', () => {
    expect(statement).toMatchObject({
      resourceType: 'CapabilityStatement',
      status: 'active',
      kind: 'instance',
      fhirVersion: '4.0.1',
      format: expect.arrayContaining(['application/fhir+json']),
    });
    expect(statement.rest).toHaveLength(1);
    expect(statement.rest![0]!.resource!.map((r) => r.type)).toEqual(['ServiceRequest', 'Task']);
  });

  it('when every declared search parameter is used, then the server applies it instead of ignoring it', async () => {
    for (const resource of statement.rest![0]!.resource!) {
      for (const param of resource.searchParam!) {
        const value = param.name === '_id' ? 'x' : EXAMPLE_VALUES[param.type!];
        const res = await api
          .get(`/fhir/${resource.type}?${param.name}=${value}`)
          .set('Prefer', 'handling=strict');
        expect({ type: resource.type, param: param.name, status: res.status }).toEqual({
          type: resource.type,
          param: param.name,
          status: 200,
        });
      }
    }
  });

  it('when every declared _include is used, then the server accepts it strictly', async () => {
    for (const resource of statement.rest![0]!.resource!) {
      for (const include of resource.searchInclude ?? []) {
        const res = await api
          .get(`/fhir/${resource.type}?_include=${include}`)
          .set('Prefer', 'handling=strict');
        expect(res.status).toBe(200);
      }
    }
  });

  it('when every declared interaction is tried, then its route exists (no 404 for the route, no 405)', async () => {
    const probes: Record<string, (type: string) => Promise<{ status: number; body: { issue?: unknown[] } }>> =
      {
        read: (type) => api.get(`/fhir/${type}/unknown-id`),
        vread: (type) => api.get(`/fhir/${type}/unknown-id/_history/1`),
        'history-instance': (type) => api.get(`/fhir/${type}/unknown-id/_history`),
        update: (type) =>
          api.put(`/fhir/${type}/unknown-id`).set('Content-Type', 'application/fhir+json').send({}),
        delete: (type) => api.delete(`/fhir/${type}/unknown-id`),
        create: (type) => api.post(`/fhir/${type}`).set('Content-Type', 'application/fhir+json').send({}),
        'search-type': (type) => api.get(`/fhir/${type}`),
      };
    for (const resource of statement.rest![0]!.resource!) {
      for (const { code } of resource.interaction!) {
        const res = await probes[code!]!(resource.type!);
        // An unknown id answers 404 with "not found" from the store; an unrouted path would say "No route".
        expect(res.status).not.toBe(405);
        expect(JSON.stringify(res.body)).not.toMatch(/No route/);
      }
    }
  });
});
