import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { referralService } from '@peerbridge/referral';
import { serviceRequest, task } from '../support/fixtures.js';
import { fhirClient, startTestApp, TEST_BASE_URL, type TestApp } from '../support/test-app.js';

let t: TestApp;
let api: ReturnType<typeof fhirClient>;

beforeAll(async () => {
  t = await startTestApp([referralService]);
  api = fhirClient(t);
});
afterAll(() => t.close());

async function create<T extends Resource>(resource: T): Promise<T> {
  const res = await api
    .post(`/fhir/${resource.resourceType}`)
    .set('Content-Type', 'application/fhir+json')
    .send(resource);
  expect(res.status).toBe(201);
  return res.body as T;
}

async function search(query: string, headers: Record<string, string> = {}): Promise<Bundle> {
  const res = await api.get(query).set(headers);
  expect(res.status).toBe(200);
  expect(res.body.type).toBe('searchset');
  return res.body as Bundle;
}

const ids = (bundle: Bundle) =>
  (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource!.id);

const COUNSELLING = 'http://snomed.info/sct|409063005';
const EDUCATION = { coding: [{ system: 'http://snomed.info/sct', code: '409073007' }] };
const PEER_SUPPORT = 'http://snomed.info/sct|461481000124109';

describe('US Core ServiceRequest searches', () => {
  const patient = `Patient/${randomUUID()}`;
  let counselling2025: ServiceRequest;
  let counselling2026: ServiceRequest;
  let education: ServiceRequest;

  beforeAll(async () => {
    counselling2025 = await create(
      serviceRequest({ subject: { reference: patient }, authoredOn: '2025-06-01' }),
    );
    counselling2026 = await create(
      serviceRequest({ subject: { reference: patient }, authoredOn: '2026-02-10' }),
    );
    education = await create(
      serviceRequest({
        subject: { reference: patient },
        category: [EDUCATION],
        code: { text: 'Other service' },
      }),
    );
    await create(serviceRequest());
  });

  it('when searching by patient, then only that patient’s requests match', async () => {
    const bundle = await search(`/fhir/ServiceRequest?patient=${patient}`);
    expect(bundle.total).toBe(3);
    expect(ids(bundle).sort()).toEqual([counselling2025.id, counselling2026.id, education.id].sort());
  });

  it('when the patient is given as a bare id, then it is read as Patient/id', async () => {
    const bundle = await search(`/fhir/ServiceRequest?patient=${patient.split('/')[1]}`);
    expect(bundle.total).toBe(3);
  });

  it('when the patient is given as an absolute URL on this server, then it matches too', async () => {
    const bundle = await search(`/fhir/ServiceRequest?subject=${TEST_BASE_URL}/fhir/${patient}`);
    expect(bundle.total).toBe(3);
  });

  it('when searching by patient and category, then the category narrows the result', async () => {
    const bundle = await search(`/fhir/ServiceRequest?patient=${patient}&category=${COUNSELLING}`);
    expect(ids(bundle).sort()).toEqual([counselling2025.id, counselling2026.id].sort());
  });

  it('when searching by patient and code, then only peer-support referrals match', async () => {
    const bundle = await search(`/fhir/ServiceRequest?patient=${patient}&code=${PEER_SUPPORT}`);
    expect(bundle.total).toBe(2);
  });

  it('when searching by patient, category and authored date, then the date narrows further', async () => {
    const bundle = await search(
      `/fhir/ServiceRequest?patient=${patient}&category=${COUNSELLING}&authored=ge2026-01-01`,
    );
    expect(ids(bundle)).toEqual([counselling2026.id]);
  });

  it('when searching by status, then only that status matches', async () => {
    await api
      .put(`/fhir/ServiceRequest/${education.id}`)
      .set('Content-Type', 'application/fhir+json')
      .send({ ...education, status: 'revoked' });
    const bundle = await search(`/fhir/ServiceRequest?patient=${patient}&status=revoked`);
    expect(ids(bundle)).toEqual([education.id]);
  });

  it('when searching by identifier system|value, then exactly that request matches', async () => {
    const { system, value } = counselling2025.identifier![0]!;
    const bundle = await search(`/fhir/ServiceRequest?identifier=${system}|${value}`);
    expect(ids(bundle)).toEqual([counselling2025.id]);
  });

  it('when searching by _id, then only that resource matches', async () => {
    const bundle = await search(`/fhir/ServiceRequest?_id=${counselling2026.id}`);
    expect(ids(bundle)).toEqual([counselling2026.id]);
  });
});

describe('token search forms', () => {
  const system = `urn:peerbridge:test:${randomUUID()}`;
  let withSystem: ServiceRequest;
  let withoutSystem: ServiceRequest;

  beforeAll(async () => {
    withSystem = await create(serviceRequest({ identifier: [{ system, value: 'T-1' }] }));
    withoutSystem = await create(serviceRequest({ identifier: [{ value: 'T-1' }] }));
  });

  it('when only a code is given, then it matches in any system', async () => {
    const bundle = await search('/fhir/ServiceRequest?identifier=T-1');
    expect(ids(bundle).sort()).toEqual([withSystem.id, withoutSystem.id].sort());
  });

  it('when |code is given, then it matches only values without a system', async () => {
    const bundle = await search('/fhir/ServiceRequest?identifier=|T-1');
    expect(ids(bundle)).toEqual([withoutSystem.id]);
  });

  it('when system| is given, then every value in that system matches', async () => {
    const bundle = await search(`/fhir/ServiceRequest?identifier=${system}|`);
    expect(ids(bundle)).toEqual([withSystem.id]);
  });

  it('when alternatives are comma-separated, then either may match', async () => {
    const bundle = await search(`/fhir/ServiceRequest?_id=${withSystem.id},${withoutSystem.id}`);
    expect(bundle.total).toBe(2);
  });
});

describe('date search prefixes', () => {
  const patient = `Patient/${randomUUID()}`;
  let march: ServiceRequest;
  let april: ServiceRequest;

  beforeAll(async () => {
    march = await create(
      serviceRequest({ subject: { reference: patient }, authoredOn: '2024-03-15T09:30:00Z' }),
    );
    april = await create(serviceRequest({ subject: { reference: patient }, authoredOn: '2024-04-02' }));
  });

  const cases: [string, () => (string | undefined)[]][] = [
    ['2024-03', () => [march.id]],
    ['eq2024-03-15', () => [march.id]],
    ['ne2024-03', () => [april.id]],
    ['lt2024-04-01', () => [march.id]],
    ['gt2024-03-31', () => [april.id]],
    ['le2024-03-15', () => [march.id]],
    ['ge2024-04-02', () => [april.id]],
    ['ge2024', () => [march.id, april.id]],
    ['lt2024-03-15T09:30:00Z', () => []],
  ];
  it.each(cases)('when authored=%s, then exactly the expected requests match', async (value, expected) => {
    const bundle = await search(`/fhir/ServiceRequest?patient=${patient}&authored=${value}`);
    expect(ids(bundle).sort()).toEqual(expected().sort());
  });

  it('when the date is not a FHIR date, then 400 pointing at the parameter', async () => {
    const res = await api.get('/fhir/ServiceRequest?authored=yesterday');
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['authored']);
  });

  it('when the prefix is not supported, then 400', async () => {
    const res = await api.get('/fhir/ServiceRequest?authored=ap2024-01-01');
    expect(res.status).toBe(400);
  });

  it('when _lastUpdated bounds a window, then resources changed in it match', async () => {
    const before = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const fresh = await create(serviceRequest({ subject: { reference: patient } }));
    const bundle = await search(`/fhir/ServiceRequest?patient=${patient}&_lastUpdated=gt${before}`);
    expect(ids(bundle)).toEqual([fresh.id]);
  });
});

describe('paging, sorting and totals', () => {
  const patient = `Patient/${randomUUID()}`;
  const created: ServiceRequest[] = [];

  beforeAll(async () => {
    for (const day of ['05', '01', '03', '02', '04']) {
      created.push(
        await create(serviceRequest({ subject: { reference: patient }, authoredOn: `2025-01-${day}` })),
      );
    }
  });

  it('when _count is smaller than the matches, then pages follow next links until the end', async () => {
    const seen: (string | undefined)[] = [];
    let url: string | undefined = `/fhir/ServiceRequest?patient=${patient}&_count=2`;
    let pages = 0;
    while (url) {
      const bundle = await search(url);
      expect(bundle.total).toBe(5);
      expect(bundle.link!.find((l) => l.relation === 'self')).toBeDefined();
      seen.push(...ids(bundle));
      const next = bundle.link!.find((l) => l.relation === 'next')?.url;
      url = next?.replace(TEST_BASE_URL, '');
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(created.map((r) => r.id).sort());
  });

  it('when _sort=authored, then results are in ascending authored order', async () => {
    const bundle = await search(`/fhir/ServiceRequest?patient=${patient}&_sort=authored`);
    const dates = bundle.entry!.map((e) => (e.resource as ServiceRequest).authoredOn);
    expect(dates).toEqual(['2025-01-01', '2025-01-02', '2025-01-03', '2025-01-04', '2025-01-05']);
  });

  it('when _sort=-authored, then results are in descending order', async () => {
    const bundle = await search(`/fhir/ServiceRequest?patient=${patient}&_sort=-authored&_count=2`);
    const dates = bundle.entry!.map((e) => (e.resource as ServiceRequest).authoredOn);
    expect(dates).toEqual(['2025-01-05', '2025-01-04']);
  });

  it('when _sort names an unknown parameter, then 400', async () => {
    const res = await api.get('/fhir/ServiceRequest?_sort=shoe-size');
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['_sort']);
  });

  it('when _count is not a number, then 400', async () => {
    const res = await api.get('/fhir/ServiceRequest?_count=lots');
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['_count']);
  });

  it('when _count=0, then only the total is returned', async () => {
    const bundle = await search(`/fhir/ServiceRequest?patient=${patient}&_count=0`);
    expect(bundle.total).toBe(5);
    expect(bundle.entry).toEqual([]);
  });

  it('when searching by POST _search with a form body, then it matches like GET', async () => {
    const res = await api
      .post('/fhir/ServiceRequest/_search')
      .type('form')
      .send({ patient, authored: 'ge2025-01-04' });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
  });
});

describe('unknown search parameters', () => {
  it('when an unknown parameter is sent, then it is ignored and reported in an outcome entry', async () => {
    const bundle = await search('/fhir/ServiceRequest?shoe-size=42&_count=1');
    const outcome = bundle.entry!.find((e) => e.search?.mode === 'outcome')?.resource;
    expect(outcome).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'warning', code: 'not-supported', expression: ['shoe-size'] }],
    });
    expect(bundle.link![0]!.url).toBe(`${TEST_BASE_URL}/fhir/ServiceRequest?_count=1`);
  });

  it('when Prefer: handling=strict is sent, then an unknown parameter is a 400', async () => {
    const res = await api.get('/fhir/ServiceRequest?shoe-size=42').set('Prefer', 'handling=strict');
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['shoe-size']);
  });

  it('when an unsupported modifier is used, then 400', async () => {
    const res = await api.get('/fhir/ServiceRequest?status:text=active');
    expect(res.status).toBe(400);
  });
});

describe('Task searches and _include', () => {
  const patient = `Patient/${randomUUID()}`;
  const owner = `Organization/${randomUUID()}`;
  let referral: ServiceRequest;
  let taskId: string | undefined;

  /** A referral that is not to peer support: a peer support referral makes its own Task and refuses a second. */
  const otherReferral = async (subject: string) =>
    create(serviceRequest({ subject: { reference: subject }, code: { text: 'Physiotherapy' } }));

  beforeAll(async () => {
    referral = await otherReferral(patient);
    const created = await create(
      task(`ServiceRequest/${referral.id}`, patient, {
        owner: { reference: owner },
        identifier: [{ system: 'urn:peerbridge:test:task', value: randomUUID() }],
      }),
    );
    taskId = created.id;
  });

  // Each row makes two Tasks of one patient that differ only in the parameter under test, so that
  // parameter alone decides which one matches; strict handling makes an unsupported parameter a
  // 400 rather than one silently ignored.
  type Differ = (focus: string, otherFocus: string) => [Partial<Task>, Partial<Task>, string];
  it.each<[string, Differ]>([
    ['focus', (focus, otherFocus) => [{}, { focus: { reference: otherFocus } }, focus]],
    [
      'owner',
      () => [
        { owner: { reference: 'Organization/a' } },
        { owner: { reference: 'Organization/b' } },
        'Organization/a',
      ],
    ],
    [
      'requester',
      () => [
        { requester: { reference: 'Practitioner/a' } },
        { requester: { reference: 'Practitioner/b' } },
        'Practitioner/a',
      ],
    ],
    ['status', () => [{ status: 'requested' }, { status: 'accepted' }, 'requested']],
  ])(
    'when two of a patient’s Tasks differ only in %s, then searching by it finds just the one',
    async (name, differ) => {
      const subject = `Patient/${randomUUID()}`;
      const [focus, otherFocus] = [
        `ServiceRequest/${(await otherReferral(subject)).id}`,
        `ServiceRequest/${(await otherReferral(subject)).id}`,
      ];
      const [wanted, other, value] = differ(focus, otherFocus);
      const match = await create(task(focus, subject, wanted));
      await create(task(focus, subject, other));
      const bundle = await search(`/fhir/Task?patient=${subject}&${name}=${value}`, {
        Prefer: 'handling=strict',
      });
      expect(ids(bundle)).toEqual([match.id]);
    },
  );

  it.each(['patient', 'subject'])(
    'when two Tasks differ only in their patient, then searching by %s finds just that patient’s',
    async (name) => {
      const [mine, theirs] = [`Patient/${randomUUID()}`, `Patient/${randomUUID()}`];
      const focus = `ServiceRequest/${referral.id}`;
      const match = await create(task(focus, mine));
      await create(task(focus, theirs));
      const bundle = await search(`/fhir/Task?${name}=${mine}`, { Prefer: 'handling=strict' });
      expect(ids(bundle)).toEqual([match.id]);
    },
  );

  it('when _include=Task:focus is given, then the referral comes along marked include', async () => {
    const bundle = await search(`/fhir/Task?owner=${owner}&_include=Task:focus`);
    expect(bundle.total).toBe(1);
    expect(ids(bundle)).toEqual([taskId]);
    const included = bundle.entry!.filter((e) => e.search?.mode === 'include');
    expect(included.map((e) => e.resource!.id)).toEqual([referral.id]);
    expect(included[0]!.fullUrl).toBe(`${TEST_BASE_URL}/fhir/ServiceRequest/${referral.id}`);
  });

  it('when a recipient polls by owner and _lastUpdated, then only newer Tasks come back', async () => {
    const later = new Date(Date.now() + 60_000).toISOString();
    const bundle = await search(`/fhir/Task?owner=${owner}&_lastUpdated=gt${later}`);
    expect(bundle.total).toBe(0);
  });
});
