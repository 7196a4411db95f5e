import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CareTeam } from '@medplum/fhirtypes';
import { careTeamService } from '@peerbridge/care-team';
import { referralService } from '@peerbridge/referral';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';
import { referralBody } from '../referral/support/fixtures.js';
import { expectValidFhir } from '../referral/support/fhir-validation.js';
import { expectContract } from './support/contract.js';
import { addToRoster, as, userToken } from './support/fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([referralService, careTeamService], {}, { withEvents: true });
});
afterAll(() => t.close());

const REFERRAL_SYSTEM = 'https://peerbridge.org/fhir/sid/referral';

async function acceptedReferral(overrides: Record<string, unknown> = {}) {
  const created = await fhirClient(t).post('/api/referral/referrals').send(referralBody(overrides));
  expect(created.status).toBe(201);
  const accepted = await fhirClient(t)
    .post(`/api/referral/referrals/${created.body.id}/status`)
    .send({ status: 'accepted' });
  expect(accepted.status).toBe(200);
  return created.body as { id: string; patient: { reference: string } };
}

async function careTeamOf(referralId: string, status: string): Promise<CareTeam> {
  return waitFor(`the care team of ${referralId} to be ${status}`, async () => {
    const res = await fhirClient(t).get(`/fhir/CareTeam?identifier=${REFERRAL_SYSTEM}|${referralId}`);
    const team = res.body.entry?.[0]?.resource as CareTeam | undefined;
    return team?.status === status ? team : undefined;
  });
}

describe('a care team follows its referral', () => {
  it('when a referral is accepted, then a proposed CareTeam with the patient, the referring clinician and the program appears', async () => {
    const referral = await acceptedReferral();
    const team = await careTeamOf(referral.id, 'proposed');
    expectValidFhir(team);
    expect(team.subject).toEqual({ reference: referral.patient.reference });
    expect(team.identifier).toEqual([{ system: REFERRAL_SYSTEM, value: referral.id }]);
    expect(team.category?.[0]?.coding?.[0]).toEqual({
      system: 'http://loinc.org',
      code: 'LA27977-0',
      display: 'Episode of care-focused care team',
    });
    expect(team.participant?.map((p) => [p.role?.[0]?.coding?.[0]?.code, p.member?.reference])).toEqual([
      ['116154003', referral.patient.reference],
      ['REF', 'Practitioner/dr-lee'],
      ['768821004', 'Organization/peer-support-program'],
    ]);
  });

  it('when a coordinator assigns, reassigns and the referral completes, then the team becomes active, changes peer supporter and ends inactive', async () => {
    const coordinator = await addToRoster(t, {
      role: 'coordinator',
      name: { given: ['Cora'], family: 'Diaz' },
    });
    const first = await addToRoster(t, { name: { given: ['Ana'], family: 'Ruiz' } });
    const second = await addToRoster(t, { name: { given: ['Ben'], family: 'Cole' } });
    const referral = await acceptedReferral();
    const proposed = await careTeamOf(referral.id, 'proposed');
    const coordinatorApi = as(t, await userToken(coordinator));

    const assigned = await coordinatorApi
      .post(`/api/care-team/referrals/${referral.id}/assignment`)
      .send({ peerSupporterId: first, reason: 'Speaks Spanish' });
    expectContract(assigned, 'assignPeerSupporter');
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({
      id: proposed.id,
      referralId: referral.id,
      status: 'active',
      peerSupporter: { id: first, name: 'Ana Ruiz', practitioner: `Practitioner/${first}` },
    });
    // The assigning coordinator takes the program's place as the team's coordinator.
    const coordinators = assigned.body.participants.filter((p: { role: string }) => p.role === 'coordinator');
    expect(
      coordinators.map((p: { member: string; end?: string }) => [p.member, p.end !== undefined]),
    ).toEqual([
      ['Organization/peer-support-program', true],
      [`Practitioner/${coordinator}`, false],
    ]);

    const reassigned = await coordinatorApi
      .put(`/api/care-team/referrals/${referral.id}/assignment`)
      .send({ peerSupporterId: second });
    expectContract(reassigned, 'reassignPeerSupporter');
    expect(reassigned.status).toBe(200);
    const peers = reassigned.body.participants.filter((p: { role: string }) => p.role === 'peer-supporter');
    expect(peers.map((p: { member: string; end?: string }) => [p.member, p.end !== undefined])).toEqual([
      [`Practitioner/${first}`, true],
      [`Practitioner/${second}`, false],
    ]);
    const caseloads = await Promise.all(
      [first, second].map((id) => coordinatorApi.get(`/api/care-team/peer-supporters/${id}`)),
    );
    expect(caseloads.map((res) => res.body.caseload.active)).toEqual([0, 1]);

    for (const status of ['in-progress', 'completed']) {
      const moved = await fhirClient(t)
        .post(`/api/referral/referrals/${referral.id}/status`)
        .send({ status });
      expect(moved.status).toBe(200);
    }
    const closed = await careTeamOf(referral.id, 'inactive');
    expectValidFhir(closed);
    expect(closed.period?.end).toEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/));
    // Nobody stays on an ended team: every participation has ended, the open ones when it closed.
    expect(closed.participant?.filter((p) => !p.period?.end)).toEqual([]);
    expect(closed.participant?.filter((p) => p.period?.end === closed.period?.end)).toHaveLength(4);
    const after = await coordinatorApi.get(`/api/care-team/peer-supporters/${second}`);
    expect(after.body.caseload).toEqual({ active: 0, remaining: 12 });

    // Every change of the team was told to the other services, in order, with the CareTeam.
    const events = await t.db.query<{
      event_type: string;
      changes: { reference: string; versionId: string }[];
    }>(`SELECT event_type, changes FROM care_team.event_outbox WHERE aggregate_id = $1 ORDER BY seq`, [
      proposed.id,
    ]);
    expect(events.map((e) => [e.event_type, e.changes])).toEqual([
      ['careteam.proposed', [{ reference: `CareTeam/${proposed.id}`, versionId: '1' }]],
      ['careteam.assigned', [{ reference: `CareTeam/${proposed.id}`, versionId: '2' }]],
      ['careteam.reassigned', [{ reference: `CareTeam/${proposed.id}`, versionId: '3' }]],
      ['careteam.closed', [{ reference: `CareTeam/${proposed.id}`, versionId: '4' }]],
    ]);
  });
});
