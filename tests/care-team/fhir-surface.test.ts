import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CapabilityStatement } from '@medplum/fhirtypes';
import { careTeamService } from '@peerbridge/care-team';
import { referralService } from '@peerbridge/referral';
import { expectValidFhir } from '../referral/support/fhir-validation.js';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';
import {
  acceptedReferral,
  assign,
  careTeamOf,
  moveReferral,
  REFERRAL_SYSTEM,
  searchsetIds,
  type TeamOfReferral,
} from './support/care-teams.js';
import { as, peerSupporterBody, userToken } from './support/fixtures.js';

// The FHIR surface of the care-team service: CareTeam, Practitioner and PractitionerRole are
// read, read by version, read as history and searched; they change only through the domain, so
// FHIR writes answer 405. Each search below runs on data where the parameter under test alone
// decides which resources match.

let t: TestApp;
const api = () => fhirClient(t);

const NUCC_PEER_SPECIALIST = 'http://nucc.org/provider-taxonomy|175T00000X';
const COORDINATOR_ROLE = 'https://peerbridge.org/fhir/CodeSystem/care-team-role|program-coordinator';
const SNOMED_PATIENT = 'http://snomed.info/sct|116154003';
const PROGRAM = 'Organization/peer-support-program';

/** Roster members: their Practitioner id and PractitionerRole id. */
interface Member {
  readonly id: string;
  readonly roleId: string;
}
let coordinator: Member;
let ana: Member;
let ben: Member;
let dee: Member;
/** T1 (patient x): assigned Ana, then Ben; T2 (patient x): proposed; T3 (patient y): closed. */
let t1: TeamOfReferral;
let t2: TeamOfReferral;
let t3: TeamOfReferral;
/** Between T2's and T3's forming; after T3 closed; before T1's assignment. */
let betweenT2AndT3: string;
let afterT3Closed: string;
let beforeAssignment: string;

async function member(overrides: Record<string, unknown>): Promise<Member> {
  const res = await api().post('/api/care-team/peer-supporters').send(peerSupporterBody(overrides));
  expect(res.status).toBe(201);
  return { id: res.body.id, roleId: String(res.body.practitionerRole.reference).split('/')[1]! };
}

/** A moment strictly between what happened before and what happens after. */
async function moment(): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  const at = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 20));
  return at;
}

beforeAll(async () => {
  t = await startTestApp([referralService, careTeamService], {}, { withEvents: true });
  coordinator = await member({
    role: 'coordinator',
    name: { given: ['Cora'], family: 'Diaz' },
    languages: ['en'],
  });
  ana = await member({ name: { given: ['Ana'], family: 'Ruiz' }, languages: ['es-MX', 'en'] });
  ben = await member({ name: { given: ['Ben'], family: 'Cole' }, languages: ['fr'] });
  dee = await member({ name: { given: ['Dee'], family: 'Park' }, languages: ['en'] });
  expect((await api().post(`/api/care-team/peer-supporters/${dee.id}/deactivation`)).status).toBe(200);

  const x = `Patient/${randomUUID()}`;
  t1 = await acceptedReferral(t, { patient: x });
  t2 = await acceptedReferral(t, { patient: x });
  betweenT2AndT3 = await moment();
  t3 = await acceptedReferral(t);
  await moveReferral(t, t3.referralId, 'in-progress');
  await moveReferral(t, t3.referralId, 'completed');
  await careTeamOf(t, t3.referralId, 'inactive');
  afterT3Closed = await moment();
  beforeAssignment = afterT3Closed;
  const coordinatorToken = await userToken(coordinator.id);
  await assign(t, t1.referralId, ana.id, coordinatorToken);
  const reassigned = await as(t, coordinatorToken)
    .put(`/api/care-team/referrals/${t1.referralId}/assignment`)
    .send({ peerSupporterId: ben.id });
  expect(reassigned.status).toBe(200);
});
afterAll(() => t.close());

async function search(path: string, query: Record<string, string | string[]>, authorization?: string) {
  const res = await fhirClient(t, authorization ? { Authorization: authorization } : {})
    .get(path)
    .query(query);
  expect(res.status).toBe(200);
  return searchsetIds(res.body);
}

describe('CareTeam read, vread and history', () => {
  it('when a care team is read, then it is the current version, valid, with its ETag', async () => {
    const res = await api().get(`/fhir/CareTeam/${t1.careTeamId}`);
    expect(res.status).toBe(200);
    expectValidFhir(res.body);
    expect(res.headers.etag).toBe('W/"3"');
    expect(res.body.status).toBe('active');
    expect(res.body.identifier).toEqual([{ system: REFERRAL_SYSTEM, value: t1.referralId }]);
  });

  it('when its first version is read, then it is the proposed team', async () => {
    const res = await api().get(`/fhir/CareTeam/${t1.careTeamId}/_history/1`);
    expect(res.status).toBe(200);
    expectValidFhir(res.body);
    expect([res.body.meta.versionId, res.body.status]).toEqual(['1', 'proposed']);
  });

  it('when its history is read, then it lists every version, newest first', async () => {
    const res = await api().get(`/fhir/CareTeam/${t1.careTeamId}/_history`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'history', total: 3 });
    const versions = res.body.entry.map(
      (entry: { resource: { meta: { versionId: string }; status: string } }) => {
        expectValidFhir(entry.resource as never);
        return [entry.resource.meta.versionId, entry.resource.status];
      },
    );
    expect(versions).toEqual([
      ['3', 'active'],
      ['2', 'active'],
      ['1', 'proposed'],
    ]);
  });
});

describe('CareTeam searches', () => {
  const teams = () => ({ t1: t1.careTeamId, t2: t2.careTeamId, t3: t3.careTeamId });
  const ids = (...names: ('t1' | 't2' | 't3')[]) => names.map((name) => teams()[name]).sort();

  it.each([
    [
      'patient+status (US Core): the active team of the patient',
      () => ({ patient: t1.patient, status: 'active' }),
      ['t1'],
    ],
    [
      'patient+status: the proposed team of the same patient',
      () => ({ patient: t1.patient, status: 'proposed' }),
      ['t2'],
    ],
    ['patient alone: both teams of the patient', () => ({ patient: t1.patient }), ['t1', 't2']],
    [
      'patient+role (US Core): the patient team with a peer specialist',
      () => ({ patient: t1.patient, role: NUCC_PEER_SPECIALIST }),
      ['t1'],
    ],
    [
      'patient+role: the patient as a member',
      () => ({ patient: t1.patient, role: SNOMED_PATIENT }),
      ['t1', 't2'],
    ],
    ['role alone: every team a peer specialist was on', () => ({ role: NUCC_PEER_SPECIALIST }), ['t1']],
    ['status: the closed team', () => ({ status: 'inactive' }), ['t3']],
    ['status: the proposed team', () => ({ status: 'proposed' }), ['t2']],
    [
      'participant: the team an earlier peer supporter was on',
      () => ({ participant: `Practitioner/${ana.id}` }),
      ['t1'],
    ],
    [
      'participant: the team its coordinator joined',
      () => ({ participant: `Practitioner/${coordinator.id}` }),
      ['t1'],
    ],
    ['participant: a roster member on no team', () => ({ participant: `Practitioner/${dee.id}` }), []],
    [
      'date: teams whose period began before T3 formed',
      () => ({ date: `lt${betweenT2AndT3}` }),
      ['t1', 't2'],
    ],
    ['date: teams whose period runs after T3 closed', () => ({ date: `gt${afterT3Closed}` }), ['t1', 't2']],
    [
      'date: the periods around T3 overlap all three',
      () => ({ date: [`ge${betweenT2AndT3}`, `le${afterT3Closed}`] }),
      ['t1', 't2', 't3'],
    ],
    [
      '_lastUpdated: the team changed since the assignment',
      () => ({ _lastUpdated: `ge${beforeAssignment}` }),
      ['t1'],
    ],
    [
      'identifier: the team of a referral',
      () => ({ identifier: `${REFERRAL_SYSTEM}|${t2.referralId}` }),
      ['t2'],
    ],
  ] as const)('when CareTeam is searched by %s, then exactly those match', async (_, query, expected) => {
    const { matches } = await search('/fhir/CareTeam', query());
    expect(matches).toEqual(ids(...expected));
  });

  it('when _include=CareTeam:participant is asked for, then the Practitioners on the team come along', async () => {
    const result = await search('/fhir/CareTeam', { _id: t1.careTeamId, _include: 'CareTeam:participant' });
    expect(result).toEqual({
      matches: [t1.careTeamId],
      included: [`Practitioner/${ana.id}`, `Practitioner/${ben.id}`, `Practitioner/${coordinator.id}`].sort(),
    });
  });

  it('when a peer supporter asks for _include=CareTeam:participant, then only the Practitioner they may see comes along', async () => {
    const result = await search(
      '/fhir/CareTeam',
      { _include: 'CareTeam:participant' },
      await userToken(ben.id),
    );
    expect(result).toEqual({ matches: [t1.careTeamId], included: [`Practitioner/${ben.id}`] });
  });
});

describe('Practitioner and PractitionerRole searches', () => {
  const practitioners = (...members: Member[]) => members.map((m) => m.id).sort();
  const roles = (...members: Member[]) => members.map((m) => m.roleId).sort();

  it.each([
    ['name', () => ({ name: 'Ruiz' }), () => practitioners(ana)],
    ['name (a given name)', () => ({ name: 'ben' }), () => practitioners(ben)],
    ['family', () => ({ family: 'Cole' }), () => practitioners(ben)],
    [
      'identifier',
      () => ({ identifier: `https://peerbridge.org/fhir/sid/peer-supporter|${dee.id}` }),
      () => practitioners(dee),
    ],
    ['communication (language)', () => ({ communication: 'urn:ietf:bcp:47|fr' }), () => practitioners(ben)],
    [
      'communication (a regional tag)',
      () => ({ communication: 'urn:ietf:bcp:47|es-MX' }),
      () => practitioners(ana),
    ],
    ['active', () => ({ active: 'false' }), () => practitioners(dee)],
  ] as const)('when Practitioner is searched by %s, then exactly those match', async (_, query, expected) => {
    const { matches } = await search('/fhir/Practitioner', query());
    expect(matches).toEqual(expected());
  });

  it.each([
    [
      'role: NUCC 175T00000X Peer Specialist',
      () => ({ role: NUCC_PEER_SPECIALIST }),
      () => roles(ana, ben, dee),
    ],
    ['role: the program coordinator code', () => ({ role: COORDINATOR_ROLE }), () => roles(coordinator)],
    ['organization: the program', () => ({ organization: PROGRAM }), () => roles(coordinator, ana, ben, dee)],
    ['organization: another', () => ({ organization: 'Organization/elsewhere' }), () => []],
    ['practitioner', () => ({ practitioner: `Practitioner/${ana.id}` }), () => roles(ana)],
    ['active', () => ({ active: 'false' }), () => roles(dee)],
  ] as const)(
    'when PractitionerRole is searched by %s, then exactly those match',
    async (_, query, expected) => {
      const { matches } = await search('/fhir/PractitionerRole', query());
      expect(matches).toEqual(expected());
    },
  );

  it('when _include=PractitionerRole:practitioner is asked for, then the Practitioner comes along', async () => {
    const result = await search('/fhir/PractitionerRole', {
      practitioner: `Practitioner/${ben.id}`,
      _include: 'PractitionerRole:practitioner',
    });
    expect(result).toEqual({ matches: [ben.roleId], included: [`Practitioner/${ben.id}`] });
  });
});

describe('writes through FHIR', () => {
  const instances = () =>
    [
      ['CareTeam', t2.careTeamId],
      ['Practitioner', ana.id],
      ['PractitionerRole', ana.roleId],
    ] as const;

  it.each(
    ['CareTeam', 'Practitioner', 'PractitionerRole'].flatMap((type) =>
      (['POST', 'PUT', 'DELETE'] as const).map((method) => [method, type] as const),
    ),
  )(
    'when a %s is made on %s, then 405 with an OperationOutcome and nothing changes',
    async (method, type) => {
      const id = instances().find(([name]) => name === type)![1];
      const current = await api().get(`/fhir/${type}/${id}`);
      const res = await {
        POST: () =>
          api()
            .post(`/fhir/${type}`)
            .send({ ...current.body, id: undefined }),
        PUT: () =>
          api()
            .put(`/fhir/${type}/${id}`)
            .send({ ...current.body, active: false, status: 'inactive' }),
        DELETE: () => api().delete(`/fhir/${type}/${id}`),
      }[method]();
      expect(res.status).toBe(405);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].code).toBe('not-supported');
      expect((await api().get(`/fhir/${type}/${id}`)).body).toEqual(current.body);
      expect((await search(`/fhir/${type}`, {})).matches).toHaveLength(type === 'CareTeam' ? 3 : 4);
    },
  );

  it('when the CapabilityStatement is read, then these types offer read, vread, history-instance and search-type only', async () => {
    const statement = (await api().get('/fhir/metadata')).body as CapabilityStatement;
    const resources = statement.rest![0]!.resource!;
    for (const type of ['CareTeam', 'Practitioner', 'PractitionerRole']) {
      const resource = resources.find((r) => r.type === type)!;
      expect(resource.interaction!.map((i) => i.code).sort()).toEqual([
        'history-instance',
        'read',
        'search-type',
        'vread',
      ]);
      expect([resource.conditionalCreate, resource.updateCreate]).toEqual([false, false]);
    }
    const careTeam = resources.find((r) => r.type === 'CareTeam')!;
    expect(careTeam.searchParam!.find((p) => p.name === 'role')).toEqual({
      name: 'role',
      type: 'token',
      definition: 'http://hl7.org/fhir/us/core/SearchParameter/us-core-careteam-role',
      documentation: 'Returns CareTeam resources with a participant role matching the specified code.',
    });
    expect(careTeam.searchInclude).toEqual(['CareTeam:participant']);
  });
});
