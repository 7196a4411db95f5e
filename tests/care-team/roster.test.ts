import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Practitioner, PractitionerRole } from '@medplum/fhirtypes';
import { careTeamService } from '@peerbridge/care-team';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';
import { expectValidFhir } from '../referral/support/fhir-validation.js';
import { expectContract } from './support/contract.js';
import { addToRoster, as, peerSupporterBody, userToken } from './support/fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([careTeamService]);
});
afterAll(() => t.close());

const api = () => fhirClient(t);

describe('the roster', () => {
  it('when a coordinator adds a peer supporter, then a valid Practitioner and PractitionerRole hold every field and the answer names both', async () => {
    const body = peerSupporterBody();
    const res = await api().post('/api/care-team/peer-supporters').send(body);
    expectContract(res, 'createPeerSupporter');
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`http://peerbridge.test/api/care-team/peer-supporters/${res.body.id}`);
    expect(res.body).toMatchObject({
      ...body,
      active: true,
      caseload: { active: 0, remaining: 12 },
      practitioner: { reference: `Practitioner/${res.body.id}`, versionId: '1' },
      practitionerRole: { versionId: '1' },
    });

    const practitioner: Practitioner = (await api().get(`/fhir/Practitioner/${res.body.id}`)).body;
    expectValidFhir(practitioner);
    expect(practitioner.name).toEqual([{ use: 'official', family: 'Lopez', given: ['Maria'] }]);
    expect(practitioner.communication?.map((c) => c.coding?.[0])).toEqual([
      { system: 'urn:ietf:bcp:47', code: 'es-MX' },
      { system: 'urn:ietf:bcp:47', code: 'en' },
    ]);
    const [certification, training] = practitioner.qualification!;
    expect(certification).toEqual({
      identifier: [{ value: (body.certifications as { identifier: string }[])[0]!.identifier }],
      code: {
        coding: [{ system: 'https://peerbridge.org/fhir/CodeSystem/peer-certification', code: 'ncps' }],
      },
      period: { start: '2024-03-01', end: '2099-02-28' },
      issuer: { display: 'Mental Health America' },
    });
    expect(training?.code.text).toBe('Intentional Peer Support core training');

    const role: PractitionerRole = (await api().get(`/fhir/${res.body.practitionerRole.reference}`)).body;
    expectValidFhir(role);
    expect(role).toMatchObject({
      active: true,
      practitioner: { reference: `Practitioner/${res.body.id}` },
      organization: { reference: 'Organization/peer-support-program' },
      code: [{ coding: [{ system: 'http://nucc.org/provider-taxonomy', code: '175T00000X' }] }],
      availableTime: [
        { daysOfWeek: ['mon', 'wed'], availableStartTime: '17:00:00', availableEndTime: '20:00:00' },
      ],
    });
    expect(
      role.extension?.map((e) => e.valueCodeableConcept?.coding?.[0]?.code ?? e.valueUnsignedInt),
    ).toEqual(['depression', 'parent-carer', 12]);
  });

  it('when the id is chosen (the fhirUser of their sign-in), then the Practitioner gets it, and a second member with it is refused 409', async () => {
    const id = `peer-${Date.now()}`;
    const res = await api()
      .post('/api/care-team/peer-supporters')
      .send({ ...peerSupporterBody(), id });
    expect(res.status).toBe(201);
    expect(res.body.practitioner.reference).toBe(`Practitioner/${id}`);
    const again = await api()
      .post('/api/care-team/peer-supporters')
      .send({ ...peerSupporterBody(), id });
    expectContract(again, 'createPeerSupporter');
    expect(again.status).toBe(409);
    expect(again.body.issue[0].expression).toEqual(['id']);
  });

  it('when a coordinator updates a profile, then both resources get a new version and the answer shows the change', async () => {
    const id = await addToRoster(t);
    const res = await api()
      .put(`/api/care-team/peer-supporters/${id}`)
      .send(peerSupporterBody({ languages: ['fr'], maxCaseload: 3, role: 'peer-supporter' }));
    expectContract(res, 'updatePeerSupporter');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      languages: ['fr'],
      maxCaseload: 3,
      practitioner: { versionId: '2' },
      practitionerRole: { versionId: '2' },
    });
    const read = await api().get(`/api/care-team/peer-supporters/${id}`);
    expectContract(read, 'getPeerSupporter');
    expect(read.body).toEqual(res.body);
  });

  it('when a profile update would turn active off, then it is refused 409 naming active: deactivation is its own operation', async () => {
    const id = await addToRoster(t);
    const res = await api()
      .put(`/api/care-team/peer-supporters/${id}`)
      .send(peerSupporterBody({ active: false }));
    expect(res.status).toBe(409);
    expect(res.body.issue[0].expression).toEqual(['active']);
  });

  it('when a peer supporter without care teams is deactivated, then both resources are inactive and they list as inactive', async () => {
    const id = await addToRoster(t);
    const res = await api()
      .post(`/api/care-team/peer-supporters/${id}/deactivation`)
      .send({ reason: 'Left' });
    expectContract(res, 'deactivatePeerSupporter');
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    expect((await api().get(`/fhir/Practitioner/${id}`)).body.active).toBe(false);
    expect((await api().get(`/fhir/${res.body.practitionerRole.reference}`)).body.active).toBe(false);
    const inactive = await api().get(`/api/care-team/peer-supporters?active=false&limit=100`);
    expect(inactive.body.items.map((p: { id: string }) => p.id)).toContain(id);
  });

  it('when unknown, then get, update and deactivate answer 404', async () => {
    const get = await api().get('/api/care-team/peer-supporters/nobody');
    expectContract(get, 'getPeerSupporter');
    expect(get.status).toBe(404);
    expect((await api().put('/api/care-team/peer-supporters/nobody').send(peerSupporterBody())).status).toBe(
      404,
    );
    expect((await api().post('/api/care-team/peer-supporters/nobody/deactivation').send({})).status).toBe(
      404,
    );
  });
});

describe('listing the roster', () => {
  // A roster of its own: each member differs from the others in exactly one filtered property.
  const family = `List${Date.now()}`;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    const base = { name: { given: ['Base'], family } };
    ids.base = await addToRoster(t, { ...base, languages: ['en'], livedExperience: ['anxiety'] });
    ids.spanish = await addToRoster(t, {
      ...base,
      name: { given: ['Spanish'], family },
      languages: ['es-MX'],
      livedExperience: ['anxiety'],
    });
    ids.veteran = await addToRoster(t, {
      ...base,
      name: { given: ['Veteran'], family },
      languages: ['en'],
      livedExperience: ['veteran'],
    });
    ids.coordinator = await addToRoster(t, {
      ...base,
      name: { given: ['Coord'], family },
      languages: ['en'],
      livedExperience: ['anxiety'],
      role: 'coordinator',
    });
    ids.full = await addToRoster(t, {
      ...base,
      name: { given: ['Full'], family },
      languages: ['en'],
      livedExperience: ['anxiety'],
      maxCaseload: 0,
    });
    ids.expired = await addToRoster(t, {
      ...base,
      name: { given: ['Expired'], family },
      languages: ['en'],
      livedExperience: ['anxiety'],
      certifications: [
        {
          code: 'state-cps',
          issuer: 'State board',
          identifier: 'CPS-1',
          validFrom: '2020-01-01',
          validUntil: '2021-12-31',
        },
      ],
    });
  });

  async function listed(query: string): Promise<string[]> {
    const res = await api().get(`/api/care-team/peer-supporters?${query}&limit=100`);
    expectContract(res, 'listPeerSupporters');
    expect(res.status).toBe(200);
    const mine = new Set(Object.values(ids));
    return res.body.items
      .map((p: { id: string }) => p.id)
      .filter((id: string) => mine.has(id))
      .map((id: string) => Object.entries(ids).find(([, value]) => value === id)![0])
      .sort();
  }

  it.each([
    ['language=es', ['spanish']],
    ['language=es-ES', ['spanish']],
    ['livedExperience=veteran', ['veteran']],
    ['role=coordinator', ['coordinator']],
    ['hasCapacity=false', ['full']],
    ['certifiedOn=2021-06-01', ['expired']],
    ['certifiedOn=2025-01-01', ['base', 'coordinator', 'full', 'spanish', 'veteran']],
    ['role=peer-supporter&hasCapacity=true&certifiedOn=2025-01-01&language=en', ['base', 'veteran']],
  ])('when filtered by %s, then exactly the members it describes are listed', async (query, expected) => {
    expect(await listed(query)).toEqual(expected);
  });

  it('when paged, then total counts every match, pages follow the name order and `next` names the following page', async () => {
    const first = await api().get(
      `/api/care-team/peer-supporters?livedExperience=anxiety&language=en&limit=2`,
    );
    expectContract(first, 'listPeerSupporters');
    expect(first.body.total).toBeGreaterThanOrEqual(4);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.next).toBe(
      'http://peerbridge.test/api/care-team/peer-supporters?livedExperience=anxiety&language=en&limit=2&offset=2',
    );
  });
});

describe('bad roster input changes nothing', () => {
  it.each([
    ['a language that is not a BCP 47 tag', { languages: ['en', 'en-a'] }, 'languages[1]'],
    ['a language longer than a BCP 47 subtag', { languages: ['xx-123456789'] }, 'languages[0]'],
    ['an unknown lived-experience code', { livedExperience: ['astrology'] }, 'livedExperience[0]'],
    [
      'an unknown certification code',
      {
        certifications: [
          { code: 'cpr', issuer: 'x', identifier: 'y', validFrom: '2024-01-01', validUntil: '2025-01-01' },
        ],
      },
      'certifications[0].code',
    ],
    [
      'validUntil before validFrom',
      {
        certifications: [
          { code: 'ncps', issuer: 'x', identifier: 'y', validFrom: '2025-01-01', validUntil: '2024-01-01' },
        ],
      },
      'certifications[0].validUntil',
    ],
    ['a negative maxCaseload', { maxCaseload: -1 }, 'maxCaseload'],
    [
      'availability that ends before it starts',
      { availability: [{ days: ['mon'], start: '18:00', end: '09:00' }] },
      'availability[0].end',
    ],
  ])(
    'when a profile has %s, then 400 names the field and no Practitioner is written',
    async (_what, change, expression) => {
      const before = (await api().get('/fhir/Practitioner?_summary=count')).body.total;
      const res = await api().post('/api/care-team/peer-supporters').send(peerSupporterBody(change));
      expectContract(res, 'createPeerSupporter');
      expect(res.status).toBe(400);
      expect(res.body.issue[0].expression).toEqual([expression]);
      expect((await api().get('/fhir/Practitioner?_summary=count')).body.total).toBe(before);
    },
  );

  it("when a peer supporter's token calls a coordinator operation, then 403 and nothing changes", async () => {
    const peer = await addToRoster(t);
    const peerApi = as(t, await userToken(peer));
    const create = await peerApi.post('/api/care-team/peer-supporters').send(peerSupporterBody());
    expectContract(create, 'createPeerSupporter');
    expect(create.status).toBe(403);
    expect(create.body.issue[0].code).toBe('forbidden');
    const update = await peerApi
      .put(`/api/care-team/peer-supporters/${peer}`)
      .send(peerSupporterBody({ maxCaseload: 99 }));
    expect(update.status).toBe(403);
    expect((await api().get(`/api/care-team/peer-supporters/${peer}`)).body.maxCaseload).toBe(12);
  });
});
