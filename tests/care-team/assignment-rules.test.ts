import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { careTeamService } from '@peerbridge/care-team';
import { referralService } from '@peerbridge/referral';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';
import { referralBody } from '../referral/support/fixtures.js';
import { expectContract } from './support/contract.js';
import { addToRoster, as, userToken } from './support/fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([referralService, careTeamService], {}, { withEvents: true });
});
afterAll(() => t.close());

const api = () => fhirClient(t);

/** A referral moved through `statuses`, once the care-team service has seen the last of them. */
async function referralIn(...statuses: string[]): Promise<string> {
  const created = await api().post('/api/referral/referrals').send(referralBody());
  expect(created.status).toBe(201);
  for (const status of statuses) {
    const reason = ['rejected', 'cancelled', 'on-hold', 'failed'].includes(status) ? { reason: 'test' } : {};
    const moved = await api()
      .post(`/api/referral/referrals/${created.body.id}/status`)
      .send({ status, ...reason });
    expect(moved.status).toBe(200);
  }
  // The care-team service learns of it from the referral's events: wait until it has seen the last.
  const last = statuses.at(-1) ?? 'requested';
  await waitFor(`the care-team service to see the referral ${last}`, async () => {
    const [row] = await t.db.query<{ status: string }>(
      'SELECT status FROM care_team.referral WHERE id = $1',
      [created.body.id],
    );
    return row?.status === last;
  });
  if (last === 'accepted') {
    await waitFor('the care team', async () => {
      const [row] = await t.db.query('SELECT 1 FROM care_team.care_team WHERE referral_id = $1', [
        created.body.id,
      ]);
      return row !== undefined;
    });
  }
  return created.body.id;
}

async function assign(referralId: string, body: Record<string, unknown>, authorization?: string) {
  const agent = authorization ? as(t, authorization) : api();
  const res = await agent.post(`/api/care-team/referrals/${referralId}/assignment`).send(body);
  expectContract(res, 'assignPeerSupporter');
  return res;
}

async function careTeamVersion(referralId: string): Promise<string | undefined> {
  const res = await api().get(
    `/fhir/CareTeam?identifier=https://peerbridge.org/fhir/sid/referral|${referralId}`,
  );
  return res.body.entry?.[0]?.resource?.meta?.versionId;
}

describe('assignment refuses what breaks a rule, and changes nothing', () => {
  it('when the peer supporter is unknown, then 404 names peerSupporterId', async () => {
    const referral = await referralIn('accepted');
    const res = await assign(referral, { peerSupporterId: 'nobody' });
    expect(res.status).toBe(404);
    expect(res.body.issue[0].expression).toEqual(['peerSupporterId']);
    expect(await careTeamVersion(referral)).toBe('1');
  });

  it('when the referral is unknown, then 404', async () => {
    const res = await assign('no-such-referral', { peerSupporterId: await addToRoster(t) });
    expect(res.status).toBe(404);
  });

  it.each([[['accepted', 'cancelled']], [['rejected']], [[]]])(
    'when the referral went through %j (not accepted or in progress), then 409 names referralId',
    async (statuses) => {
      const referral = await referralIn(...statuses);
      const res = await assign(referral, { peerSupporterId: await addToRoster(t) });
      expect(res.status).toBe(409);
      expect(res.body.issue[0].expression).toEqual(['referralId']);
    },
  );

  it('when every certification has expired, then 422 names peerSupporterId', async () => {
    const referral = await referralIn('accepted');
    const expired = await addToRoster(t, {
      certifications: [
        {
          code: 'state-cps',
          issuer: 'State board',
          identifier: 'CPS-9',
          validFrom: '2019-01-01',
          validUntil: '2020-12-31',
        },
      ],
    });
    const res = await assign(referral, { peerSupporterId: expired });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].expression).toEqual(['peerSupporterId']);
    expect(await careTeamVersion(referral)).toBe('1');
  });

  it('when the caseload is full, then 422 without override; with override and a reason the assignment is made and the override recorded', async () => {
    const full = await addToRoster(t, { maxCaseload: 0 });
    const referral = await referralIn('accepted');
    const refused = await assign(referral, { peerSupporterId: full });
    expect(refused.status).toBe(422);
    expect(refused.body.issue[0].expression).toEqual(['override']);

    const noReason = await assign(referral, { peerSupporterId: full, override: true });
    expect(noReason.status).toBe(400);
    expect(noReason.body.issue[0].expression).toEqual(['reason']);
    expect(await careTeamVersion(referral)).toBe('1');

    const overridden = await assign(referral, {
      peerSupporterId: full,
      override: true,
      reason: 'Only Spanish speaker with lived experience of depression',
    });
    expect(overridden.status).toBe(200);
    expect(overridden.body.peerSupporter.id).toBe(full);
    const [recorded] = await t.db.query<{ override: boolean; reason: string }>(
      'SELECT override, reason FROM care_team.assignment WHERE peer_supporter_id = $1',
      [full],
    );
    expect(recorded).toEqual({
      override: true,
      reason: 'Only Spanish speaker with lived experience of depression',
    });
    expect((await api().get(`/api/care-team/peer-supporters/${full}`)).body.caseload).toEqual({
      active: 1,
      remaining: 0,
    });
  });

  it('when the referral already has a peer supporter, then assigning again is 409 and reassigning is the way', async () => {
    const referral = await referralIn('accepted');
    expect((await assign(referral, { peerSupporterId: await addToRoster(t) })).status).toBe(200);
    const again = await assign(referral, { peerSupporterId: await addToRoster(t) });
    expect(again.status).toBe(409);
    expect(again.body.issue[0].expression).toEqual(['referralId']);
  });

  it("when a peer supporter's token assigns, then 403 and the care team is unchanged", async () => {
    const referral = await referralIn('accepted');
    const peer = await addToRoster(t);
    const res = await assign(referral, { peerSupporterId: peer }, await userToken(peer));
    expect(res.status).toBe(403);
    expect(await careTeamVersion(referral)).toBe('1');
  });

  it('when a peer supporter still on an active care team is deactivated, then 409 until they are reassigned', async () => {
    const referral = await referralIn('accepted');
    const leaving = await addToRoster(t);
    expect((await assign(referral, { peerSupporterId: leaving })).status).toBe(200);
    const refused = await api().post(`/api/care-team/peer-supporters/${leaving}/deactivation`).send({});
    expectContract(refused, 'deactivatePeerSupporter');
    expect(refused.status).toBe(409);
    expect(refused.body.issue[0].expression).toEqual(['peerSupporterId']);
    expect((await api().get(`/fhir/Practitioner/${leaving}`)).body.active).toBe(true);

    const reassigned = await api()
      .put(`/api/care-team/referrals/${referral}/assignment`)
      .send({ peerSupporterId: await addToRoster(t) });
    expect(reassigned.status).toBe(200);
    const deactivated = await api().post(`/api/care-team/peer-supporters/${leaving}/deactivation`).send({});
    expect(deactivated.status).toBe(200);
    expect(deactivated.body.active).toBe(false);
  });
});

describe('a caseload', () => {
  it("when a peer supporter has care teams, then their caseload lists each with its referral, patient and since when; another peer supporter's answers 404", async () => {
    const peer = await addToRoster(t);
    const referral = await referralIn('accepted');
    const assigned = await assign(referral, { peerSupporterId: peer });
    const own = await as(t, await userToken(peer)).get(`/api/care-team/peer-supporters/${peer}/caseload`);
    expectContract(own, 'getCaseload');
    expect(own.status).toBe(200);
    expect(own.body).toEqual({
      peerSupporterId: peer,
      maxCaseload: 12,
      items: [
        {
          careTeamId: assigned.body.id,
          referralId: referral,
          patient: assigned.body.patient,
          since: assigned.body.participants.find((p: { role: string }) => p.role === 'peer-supporter').start,
        },
      ],
    });
    const other = await addToRoster(t);
    const refused = await as(t, await userToken(other)).get(
      `/api/care-team/peer-supporters/${peer}/caseload`,
    );
    expectContract(refused, 'getCaseload');
    expect(refused.status).toBe(404);
  });
});
