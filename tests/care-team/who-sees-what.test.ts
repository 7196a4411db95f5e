import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { careTeamService } from '@peerbridge/care-team';
import { referralService } from '@peerbridge/referral';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { authHeader, patientAuthHeader } from '../support/tokens.js';
import { expectContract } from './support/contract.js';
import { acceptedReferral, assign, searchsetIds, type TeamOfReferral } from './support/care-teams.js';
import { addToRoster, as, peerSupporterBody, userToken, type Agent } from './support/fixtures.js';

// Who may see and do what in the care-team service (issue 11, item 7), each rule through the
// REST API and the FHIR API, with real tokens:
// - a coordinator (a user whose fhirUser is an active roster coordinator) or a system client runs
//   the program: the roster, suggestions, assignment, and sees everything;
// - a peer supporter sees their own profile, their caseload and the care teams they are on;
// - a clinician sees the care teams of the patient in their launch context and those they are on
//   (as the referring clinician), the roster's Practitioners but no PractitionerRole;
// - a patient-level token sees its own patient's care teams and no roster member.

let t: TestApp;
let coordinator: string;
let peer1: string;
let peer2: string;
/** Their PractitionerRole ids. */
const roleOf = new Map<string, string>();
/** T1: patient X, referred by drLee, peer1 on it. T2: patient Y, referred by drOther, peer2. T3: patient Z, referred by drLee, proposed. */
let t1: TeamOfReferral;
let t2: TeamOfReferral;
let t3: TeamOfReferral;
const drLee = `dr-lee-${randomUUID().slice(0, 8)}`;
const drOther = `dr-other-${randomUUID().slice(0, 8)}`;
const drKim = `dr-kim-${randomUUID().slice(0, 8)}`;

async function member(overrides: Record<string, unknown> = {}): Promise<string> {
  const id = await addToRoster(t, overrides);
  const res = await as(t, t.authorization).get(`/api/care-team/peer-supporters/${id}`);
  roleOf.set(id, String(res.body.practitionerRole.reference).split('/')[1]!);
  return id;
}

beforeAll(async () => {
  t = await startTestApp([referralService, careTeamService], {}, { withEvents: true });
  coordinator = await member({ role: 'coordinator', name: { given: ['Cora'], family: 'Diaz' } });
  peer1 = await member({ name: { given: ['Ana'], family: 'Ruiz' } });
  peer2 = await member({ name: { given: ['Ben'], family: 'Cole' } });
  t1 = await acceptedReferral(t, { requester: `Practitioner/${drLee}` });
  t2 = await acceptedReferral(t, { requester: `Practitioner/${drOther}` });
  t3 = await acceptedReferral(t, { requester: `Practitioner/${drLee}` });
  await assign(t, t1.referralId, peer1, await userToken(coordinator));
  await assign(t, t2.referralId, peer2);
});
afterAll(() => t.close());

const patientId = (team: TeamOfReferral) => team.patient.split('/')[1]!;
const sorted = (...ids: string[]) => [...ids].sort();
const restIds = (body: { items: { id: string }[] }) => body.items.map((item) => item.id).sort();

async function fhirMatches(agent: Agent, path: string, query: Record<string, string> = {}) {
  const res = await agent.get(path).query(query);
  expect(res.status).toBe(200);
  return searchsetIds(res.body).matches;
}

async function status(test: Promise<{ status: number; body: { resourceType?: string } }>) {
  const res = await test;
  if (res.status >= 400) {
    expect(res.body.resourceType).toBe('OperationOutcome');
  }
  return res.status;
}

/** What every rule below reads: the care teams through both APIs. */
async function careTeamsSeenBy(agent: Agent) {
  const rest = await agent.get('/api/care-team/care-teams');
  expectContract(rest, 'listCareTeams');
  expect(rest.status).toBe(200);
  expect(rest.body.total).toBe(rest.body.items.length);
  return { rest: restIds(rest.body), fhir: await fhirMatches(agent, '/fhir/CareTeam') };
}

/** Reading one care team through both APIs: [REST status, FHIR status]. */
async function readCareTeam(agent: Agent, id: string) {
  return [
    await status(agent.get(`/api/care-team/care-teams/${id}`)),
    await status(agent.get(`/fhir/CareTeam/${id}`)),
  ];
}

describe('a coordinator (user token) and the program (system token)', () => {
  it.each([
    ['a coordinator', () => userToken(coordinator)],
    ['a system client', () => authHeader('system/*.*')],
  ])('when %s manages the roster and assigns, then each step succeeds', async (_, token) => {
    const api = as(t, await token());
    const created = await api.post('/api/care-team/peer-supporters').send(peerSupporterBody());
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(
      await status(
        api.put(`/api/care-team/peer-supporters/${id}`).send(peerSupporterBody({ maxCaseload: 5 })),
      ),
    ).toBe(200);
    const team = await acceptedReferral(t);
    expect(await status(api.get(`/api/care-team/referrals/${team.referralId}/suggestions`))).toBe(200);
    expect(
      await status(
        api.post(`/api/care-team/referrals/${team.referralId}/assignment`).send({ peerSupporterId: id }),
      ),
    ).toBe(200);
    expect(await status(api.get(`/api/care-team/peer-supporters/${id}/caseload`))).toBe(200);
    // Deactivating needs an empty caseload: a new member.
    const other = await addToRoster(t);
    expect(await status(api.post(`/api/care-team/peer-supporters/${other}/deactivation`))).toBe(200);
  });

  it('when a coordinator reads, then they see every care team and every roster resource through both APIs', async () => {
    const api = as(t, await userToken(coordinator));
    const seen = await careTeamsSeenBy(api);
    // Other tests of this file may add teams; these three are among them.
    expect(seen.rest).toEqual(expect.arrayContaining([t1.careTeamId, t2.careTeamId, t3.careTeamId]));
    expect(seen.fhir).toEqual(seen.rest);
    expect(await readCareTeam(api, t2.careTeamId)).toEqual([200, 200]);
    expect(await status(api.get(`/api/care-team/peer-supporters/${peer2}`))).toBe(200);
    expect(await status(api.get(`/fhir/PractitionerRole/${roleOf.get(peer2)}`))).toBe(200);
    expect(await status(api.get(`/fhir/Practitioner/${peer2}`))).toBe(200);
  });

  it('when a coordinator is deactivated, then their token no longer runs the program', async () => {
    const former = await member({ role: 'coordinator', name: { given: ['Fay'], family: 'Ng' } });
    const api = as(t, await userToken(former));
    expect(await status(api.post('/api/care-team/peer-supporters').send(peerSupporterBody()))).toBe(201);
    expect(
      await status(as(t, t.authorization).post(`/api/care-team/peer-supporters/${former}/deactivation`)),
    ).toBe(200);
    expect(await status(api.post('/api/care-team/peer-supporters').send(peerSupporterBody()))).toBe(403);
    expect(await status(api.get(`/api/care-team/referrals/${t3.referralId}/suggestions`))).toBe(403);
    expect(await status(api.get(`/api/care-team/peer-supporters/${peer1}`))).toBe(404);
    // Now a clinician to the service: no PractitionerRole, no care team they are not on.
    expect(await fhirMatches(api, '/fhir/PractitionerRole')).toEqual([]);
    expect(await careTeamsSeenBy(api)).toEqual({ rest: [], fhir: [] });
  });
});

describe('a peer supporter', () => {
  let api: Agent;
  beforeAll(async () => {
    api = as(t, await userToken(peer1));
  });

  it('when they read roster members, then they see their own profile only, through both APIs', async () => {
    const own = await api.get(`/api/care-team/peer-supporters/${peer1}`);
    expectContract(own, 'getPeerSupporter');
    expect(own.status).toBe(200);
    expect(await status(api.get(`/api/care-team/peer-supporters/${peer2}`))).toBe(404);
    const listed = await api.get('/api/care-team/peer-supporters');
    expect([listed.status, restIds(listed.body), listed.body.total]).toEqual([200, [peer1], 1]);

    expect(await status(api.get(`/fhir/Practitioner/${peer1}`))).toBe(200);
    expect(await status(api.get(`/fhir/Practitioner/${peer2}`))).toBe(404);
    expect(await status(api.get(`/fhir/PractitionerRole/${roleOf.get(peer1)}`))).toBe(200);
    expect(await status(api.get(`/fhir/PractitionerRole/${roleOf.get(peer2)}`))).toBe(404);
    expect(await fhirMatches(api, '/fhir/Practitioner')).toEqual([peer1]);
    expect(await fhirMatches(api, '/fhir/PractitionerRole')).toEqual([roleOf.get(peer1)]);
  });

  it("when they read caseloads, then they see their own and another's is not found", async () => {
    const own = await api.get(`/api/care-team/peer-supporters/${peer1}/caseload`);
    expectContract(own, 'getCaseload');
    expect(own.status).toBe(200);
    expect(own.body.items.map((item: { careTeamId: string }) => item.careTeamId)).toEqual([t1.careTeamId]);
    expect(await status(api.get(`/api/care-team/peer-supporters/${peer2}/caseload`))).toBe(404);
  });

  it('when they read care teams, then they see only the one they are on, through both APIs', async () => {
    expect(await careTeamsSeenBy(api)).toEqual({ rest: [t1.careTeamId], fhir: [t1.careTeamId] });
    expect(await readCareTeam(api, t1.careTeamId)).toEqual([200, 200]);
    expect(await readCareTeam(api, t2.careTeamId)).toEqual([404, 404]);
    expect(await readCareTeam(api, t3.careTeamId)).toEqual([404, 404]);
  });

  it.each([
    ['createPeerSupporter', (a: Agent) => a.post('/api/care-team/peer-supporters').send(peerSupporterBody())],
    [
      'updatePeerSupporter',
      (a: Agent) =>
        a.put(`/api/care-team/peer-supporters/${peer1}`).send(peerSupporterBody({ maxCaseload: 40 })),
    ],
    ['deactivatePeerSupporter', (a: Agent) => a.post(`/api/care-team/peer-supporters/${peer2}/deactivation`)],
    ['suggestPeerSupporters', (a: Agent) => a.get(`/api/care-team/referrals/${t3.referralId}/suggestions`)],
    [
      'assignPeerSupporter',
      (a: Agent) =>
        a.post(`/api/care-team/referrals/${t3.referralId}/assignment`).send({ peerSupporterId: peer1 }),
    ],
  ])('when they call %s, then 403 and nothing changes', async (operationId, call) => {
    const before = await as(t, t.authorization).get(`/fhir/CareTeam/${t3.careTeamId}`);
    const res = await call(api);
    expectContract(res, operationId);
    expect(res.status).toBe(403);
    expect(res.body.issue[0].code).toBe('forbidden');
    const after = await as(t, t.authorization).get(`/fhir/CareTeam/${t3.careTeamId}`);
    expect(after.body.meta.versionId).toBe(before.body.meta.versionId);
    const self = await api.get(`/api/care-team/peer-supporters/${peer1}`);
    expect([self.body.maxCaseload, self.body.active]).toEqual([12, true]);
  });
});

describe('a clinician', () => {
  it('when the referring clinician reads care teams, then they see the teams they are on and no other', async () => {
    const api = as(t, await userToken(drLee, 'user/*.rs'));
    expect(await careTeamsSeenBy(api)).toEqual({
      rest: sorted(t1.careTeamId, t3.careTeamId),
      fhir: sorted(t1.careTeamId, t3.careTeamId),
    });
    expect(await readCareTeam(api, t2.careTeamId)).toEqual([404, 404]);
  });

  it("when a clinician launched on a patient reads care teams, then they see that patient's and no other", async () => {
    const api = as(t, await userToken(drKim, 'user/*.rs', patientId(t2)));
    expect(await careTeamsSeenBy(api)).toEqual({ rest: [t2.careTeamId], fhir: [t2.careTeamId] });
    expect(await readCareTeam(api, t1.careTeamId)).toEqual([404, 404]);
  });

  it('when a clinician reads the roster, then they see Practitioners but no PractitionerRole and no REST profile', async () => {
    const api = as(t, await userToken(drLee, 'user/*.rs'));
    expect(await status(api.get(`/fhir/Practitioner/${peer1}`))).toBe(200);
    expect(await status(api.get(`/fhir/PractitionerRole/${roleOf.get(peer1)}`))).toBe(404);
    expect(await fhirMatches(api, '/fhir/PractitionerRole')).toEqual([]);
    expect(await status(api.get(`/api/care-team/peer-supporters/${peer1}`))).toBe(404);
    expect(await status(api.get(`/api/care-team/peer-supporters/${peer1}/caseload`))).toBe(404);
  });
});

describe('a patient-level token', () => {
  it('when it reads care teams, then it sees its own patient’s only, and no roster member', async () => {
    const api = as(t, await patientAuthHeader(patientId(t1), 'patient/*.rs'));
    expect(await careTeamsSeenBy(api)).toEqual({ rest: [t1.careTeamId], fhir: [t1.careTeamId] });
    expect(await readCareTeam(api, t1.careTeamId)).toEqual([200, 200]);
    expect(await readCareTeam(api, t2.careTeamId)).toEqual([404, 404]);
    expect(await fhirMatches(api, '/fhir/Practitioner')).toEqual([]);
    expect(await fhirMatches(api, '/fhir/PractitionerRole')).toEqual([]);
    expect(await status(api.get(`/fhir/Practitioner/${peer1}`))).toBe(404);
  });
});
