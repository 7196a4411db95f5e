import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CapabilityStatement } from '@medplum/fhirtypes';
import { referralService } from '@peerbridge/referral';
import { serviceRequest } from '../support/fixtures.js';
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

/** A value of each search parameter type that no resource in these tests has. */
const NON_MATCHING_VALUES: Record<string, string> = {
  token: 'x',
  reference: 'Patient/x',
  date: 'lt1900-01-01',
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
    // One referral (and the Task it makes) exists, so a parameter the server ignored would let it
    // through; each value below matches neither, so a parameter that is applied leaves nothing.
    await api
      .post('/fhir/ServiceRequest')
      .set('Content-Type', 'application/fhir+json')
      .send(serviceRequest());
    const probed: Record<string, number> = {};
    for (const resource of statement.rest![0]!.resource!) {
      expect((await api.get(`/fhir/${resource.type}`)).body.total).toBeGreaterThan(0);
      for (const param of resource.searchParam!) {
        const value = param.name === '_id' ? 'x' : NON_MATCHING_VALUES[param.type!];
        const res = await api
          .get(`/fhir/${resource.type}?${param.name}=${value}`)
          .set('Prefer', 'handling=strict');
        expect({ type: resource.type, param: param.name, status: res.status, total: res.body.total }).toEqual(
          {
            type: resource.type,
            param: param.name,
            status: 200,
            total: 0,
          },
        );
        probed[resource.type!] = (probed[resource.type!] ?? 0) + 1;
      }
    }
    // _id and _lastUpdated, then the resource's own (resource-definitions.ts).
    expect(probed).toEqual({ ServiceRequest: 2 + 14, Task: 2 + 17 });
  });

  it('when every declared _include is used, then the server accepts it strictly', async () => {
    const includes: string[] = [];
    for (const resource of statement.rest![0]!.resource!) {
      for (const include of resource.searchInclude ?? []) {
        const res = await api
          .get(`/fhir/${resource.type}?_include=${include}`)
          .set('Prefer', 'handling=strict');
        expect({ include, status: res.status }).toEqual({ include, status: 200 });
        includes.push(include);
      }
    }
    expect(includes).toEqual(['Task:focus', 'Task:based-on']);
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
    const tried: string[] = [];
    for (const resource of statement.rest![0]!.resource!) {
      for (const { code } of resource.interaction!) {
        tried.push(`${resource.type} ${code}`);
        const res = await probes[code!]!(resource.type!);
        // An unknown id answers 404 with "not found" from the store; an unrouted path would say "No route".
        expect(res.status).not.toBe(405);
        expect(JSON.stringify(res.body)).not.toMatch(/No route/);
      }
    }
    expect(tried).toHaveLength(2 * Object.keys(probes).length);
  });
});
