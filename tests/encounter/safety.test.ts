import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, Communication, Flag } from '@medplum/fhirtypes';
import { careTeamService } from '@peerbridge/care-team';
import { encounterService, SafetyWorkflow } from '@peerbridge/encounter';
import { referralService } from '@peerbridge/referral';
import { createAuthContext, createValidator, Repositories } from '@peerbridge/shared';
import { ENCOUNTER_RESOURCES } from '../../services/encounter/src/fhir/resource-definitions.js';
import { CallerRoles } from '../../services/encounter/src/workflow/caller-roles.js';
import { fhirClient, startTestApp, TEST_BASE_URL, type TestApp } from '../support/test-app.js';
import { expectValidFhir } from '../referral/support/fhir-validation.js';
import { addToRoster, as, userToken } from '../care-team/support/fixtures.js';
import { patientAuthHeader } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { expectContract } from './support/contract.js';
import { peerSupporterKnownToSessions, referralWithPeerSupporter } from './support/program.js';

let t: TestApp;
let safety: SafetyWorkflow;
let repositories: Repositories;
beforeAll(async () => {
  t = await startTestApp([referralService, careTeamService, encounterService], {}, { withEvents: true });
  repositories = new Repositories({
    db: t.db,
    schema: 'encounter',
    definitions: ENCOUNTER_RESOURCES,
    validator: createValidator(),
    baseUrl: TEST_BASE_URL,
    audience: new CallerRoles(t.db, TEST_BASE_URL).audience,
  });
  safety = new SafetyWorkflow(t.db, repositories, TEST_BASE_URL);
});
afterAll(() => t.close());

const HOUR = 3_600_000;
const past = (hoursAgo: number) => new Date(Date.now() - hoursAgo * HOUR).toISOString();
const SAFETY = 'http://terminology.hl7.org/CodeSystem/flag-category|safety';
const PROGRAM = 'Organization/peer-support-program';

/** Counts of what a safety flag writes for the patient: Flags, Communications, rows, events. */
async function written(patient: string) {
  const [row] = await t.db.query<{ flags: number; communications: number; rows: number; events: number }>(
    `SELECT
       (SELECT count(*)::int FROM encounter.resource WHERE resource_type = 'Flag' AND content->'subject'->>'reference' = $1) AS flags,
       (SELECT count(*)::int FROM encounter.resource WHERE resource_type = 'Communication' AND content->'subject'->>'reference' = $1) AS communications,
       (SELECT count(*)::int FROM encounter.safety_flag WHERE patient = $1) AS rows,
       (SELECT count(*)::int FROM encounter.event_outbox e WHERE e.event_type LIKE 'safety.%'
          AND e.aggregate_id IN (SELECT flag_id FROM encounter.safety_flag WHERE patient = $1)) AS events`,
    [patient],
  );
  return row!;
}

async function sessionOf(peer: string, referralId: string): Promise<{ id: string; encounter: string }> {
  const res = await as(t, await userToken(peer))
    .post('/api/encounter/sessions')
    .send({ referralId, mode: 'phone', start: past(2), end: past(1) });
  expect(res.status).toBe(201);
  return { id: res.body.id, encounter: res.body.encounter.reference };
}

describe('raising a safety concern', () => {
  it('when a peer supporter raises a concern in a session, then a Flag, an alert to the care team and safety.flagged are written together', async () => {
    const peer = await peerSupporterKnownToSessions(t);
    const { referralId, patient } = await referralWithPeerSupporter(t, peer);
    const session = await sessionOf(peer, referralId);
    const res = await as(t, await userToken(peer))
      .post('/api/encounter/safety-flags')
      .send({
        referralId,
        sessionId: session.id,
        description: 'Spoke of not wanting to go on',
        urgency: 'stat',
      });
    expectContract(res, 'raiseSafetyConcern');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      patient,
      status: 'active',
      source: 'peer-supporter',
      urgency: 'stat',
      concern: 'Spoke of not wanting to go on',
      raisedBy: `Practitioner/${peer}`,
      recipients: ['Practitioner/dr-lee', PROGRAM],
      about: [session.encounter],
      flag: { reference: `Flag/${res.body.id}`, versionId: '1' },
    });
    expect(res.body.acknowledged).toBeUndefined();

    const flag: Flag = (await fhirClient(t).get(`/fhir/Flag/${res.body.id}`)).body;
    expectValidFhir(flag);
    expect(flag).toMatchObject({
      status: 'active',
      category: [
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'safety' }] },
      ],
      code: {
        coding: [{ system: 'https://peerbridge.org/fhir/CodeSystem/safety-concern', code: 'staff-concern' }],
        text: 'Spoke of not wanting to go on',
      },
      subject: { reference: patient },
      period: { start: res.body.raisedAt },
      encounter: { reference: session.encounter },
      author: { reference: `Practitioner/${peer}` },
    });
    expect(flag.period?.end).toBeUndefined();

    const alert: Communication = (await fhirClient(t).get(`/fhir/${res.body.alert.reference}`)).body;
    expectValidFhir(alert);
    expect(alert).toMatchObject({
      status: 'completed',
      category: [
        {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/communication-category', code: 'alert' }],
        },
      ],
      priority: 'stat',
      subject: { reference: patient },
      about: [{ reference: `Flag/${flag.id}` }, { reference: session.encounter }],
      recipient: [{ reference: 'Practitioner/dr-lee' }, { reference: PROGRAM }],
      sender: { reference: `Practitioner/${peer}` },
      sent: res.body.raisedAt,
      payload: [{ contentString: 'Spoke of not wanting to go on' }],
    });

    const [event] = await t.db.query<{ resources: { reference: string }[] }>(
      "SELECT changes AS resources FROM encounter.event_outbox WHERE aggregate_id = $1 AND event_type = 'safety.flagged'",
      [flag.id],
    );
    expect(event!.resources.map((r) => r.reference)).toEqual([
      `Flag/${flag.id}`,
      `Communication/${alert.id}`,
    ]);
  });

  it('when the patient has no care team known here, then the alert goes to the program coordinators', async () => {
    const coordinator = await addToRoster(t, { role: 'coordinator' });
    await waitFor('the encounter service to know the coordinator', async () => {
      const [row] = await t.db.query('SELECT 1 FROM encounter.roster_member WHERE practitioner_id = $1', [
        coordinator,
      ]);
      return row !== undefined;
    });
    const coordinators = await t.db.query<{ practitioner_id: string }>(
      "SELECT practitioner_id FROM encounter.roster_member WHERE role = 'coordinator' AND active ORDER BY practitioner_id",
    );
    const patient = `Patient/${crypto.randomUUID()}`;
    const res = await fhirClient(t)
      .post('/api/encounter/safety-flags')
      .send({ patient, description: 'Called the program line in distress' });
    expectContract(res, 'raiseSafetyConcern');
    expect(res.status).toBe(201);
    expect(res.body.urgency).toBe('urgent');
    expect(res.body.recipients).toEqual(coordinators.map((c) => `Practitioner/${c.practitioner_id}`));
    expect(res.body.recipients).toContain(`Practitioner/${coordinator}`);
  });

  it('when an automatic escalation comes from a caller whose token has no Flag scope, then the system still raises it', async () => {
    const patient = `Patient/${crypto.randomUUID()}`;
    const caller = repositories.forCaller(
      createAuthContext({ iss: 'https://issuer.test', sub: 'scorer', scope: 'user/QuestionnaireResponse.c' }),
    );
    const raised = await t.db.transaction((tx) =>
      safety.raise(tx, caller, {
        patient,
        description: 'PHQ-9 item 9 answered above 0',
        urgency: 'urgent',
        source: 'phq-9-item-9',
        about: [{ reference: 'QuestionnaireResponse/qr-1' }],
      }),
    );
    expect(raised.flag.code.coding?.[0]?.code).toBe('phq-9-item-9-positive');
    expect(raised.communication.about).toEqual([
      { reference: `Flag/${raised.flag.id}` },
      { reference: 'QuestionnaireResponse/qr-1' },
    ]);
    expect(await written(patient)).toEqual({ flags: 1, communications: 1, rows: 1, events: 1 });

    // The same caller raising a concern as a person is held to its own scopes.
    await expect(
      t.db.transaction((tx) =>
        safety.raise(tx, caller, {
          patient,
          description: 'Worried',
          urgency: 'urgent',
          source: 'peer-supporter',
          about: [],
        }),
      ),
    ).rejects.toMatchObject({ status: 403 });
    expect(await written(patient)).toEqual({ flags: 1, communications: 1, rows: 1, events: 1 });
  });

  it('when the transaction that raised a flag fails later, then neither the Flag, the alert nor the event remain', async () => {
    const patient = `Patient/${crypto.randomUUID()}`;
    await expect(
      t.db.transaction(async (tx) => {
        await safety.raise(tx, repositories.forSystem('test'), {
          patient,
          description: 'PHQ-9 item 9 answered above 0',
          urgency: 'urgent',
          source: 'phq-9-item-9',
          about: [],
        });
        throw new Error('a later step of the same response failed');
      }),
    ).rejects.toThrow('a later step');
    expect(await written(patient)).toEqual({ flags: 0, communications: 0, rows: 0, events: 0 });
  });
});

describe('bad concerns change nothing', () => {
  it.each([
    ['an empty description', { description: '' }],
    ['a blank description', { description: '   ' }],
    ['no description', {}],
  ])('when a concern has %s, then 400 names description', async (_what, body) => {
    const peer = await peerSupporterKnownToSessions(t);
    const { referralId, patient } = await referralWithPeerSupporter(t, peer);
    const res = await as(t, await userToken(peer))
      .post('/api/encounter/safety-flags')
      .send({ referralId, ...body });
    expectContract(res, 'raiseSafetyConcern');
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['description']);
    expect(await written(patient)).toEqual({ flags: 0, communications: 0, rows: 0, events: 0 });
  });

  it("when the patient is not on the peer supporter's caseload, then 403 and nothing is written", async () => {
    const owner = await peerSupporterKnownToSessions(t);
    const other = await peerSupporterKnownToSessions(t);
    const { referralId, patient } = await referralWithPeerSupporter(t, owner);
    for (const body of [{ referralId }, { patient }]) {
      const res = await as(t, await userToken(other))
        .post('/api/encounter/safety-flags')
        .send({ ...body, description: 'Worried' });
      expectContract(res, 'raiseSafetyConcern');
      expect(res.status).toBe(403);
    }
    expect(await written(patient)).toEqual({ flags: 0, communications: 0, rows: 0, events: 0 });
  });

  it('when a clinician or a patient raises a concern, then 403', async () => {
    const patient = crypto.randomUUID();
    for (const authorization of [
      await userToken('dr-lee', 'user/*.cruds', patient),
      await patientAuthHeader(patient),
    ]) {
      const res = await as(t, authorization)
        .post('/api/encounter/safety-flags')
        .send({ patient: `Patient/${patient}`, description: 'Worried' });
      expect(res.status).toBe(403);
    }
    expect(await written(`Patient/${patient}`)).toEqual({ flags: 0, communications: 0, rows: 0, events: 0 });
  });

  it('when the referral or session is unknown, then 404 names it', async () => {
    const unknownReferral = await fhirClient(t)
      .post('/api/encounter/safety-flags')
      .send({ referralId: 'no-such-referral', description: 'Worried' });
    expectContract(unknownReferral, 'raiseSafetyConcern');
    expect(unknownReferral.status).toBe(404);
    expect(unknownReferral.body.issue[0].expression).toEqual(['referralId']);
    const unknownSession = await fhirClient(t)
      .post('/api/encounter/safety-flags')
      .send({
        patient: `Patient/${crypto.randomUUID()}`,
        sessionId: 'no-such-session',
        description: 'Worried',
      });
    expect(unknownSession.status).toBe(404);
    expect(unknownSession.body.issue[0].expression).toEqual(['sessionId']);
  });
});

describe('acknowledging and resolving a flag', () => {
  it('when a clinician with the patient in context acknowledges and resolves a flag, then who and when are recorded, the Flag ends, and a second resolution is 409', async () => {
    const peer = await peerSupporterKnownToSessions(t);
    const { referralId, patient } = await referralWithPeerSupporter(t, peer);
    const raised = await as(t, await userToken(peer))
      .post('/api/encounter/safety-flags')
      .send({ referralId, description: 'Talked about a plan' });
    const flagId = raised.body.id as string;
    const patientId = patient.split('/')[1]!;
    const clinician = as(t, await userToken('dr-lee', 'user/*.cruds', patientId));

    const byPeer = await as(t, await userToken(peer)).post(
      `/api/encounter/safety-flags/${flagId}/acknowledgement`,
    );
    expectContract(byPeer, 'acknowledgeSafetyFlag');
    expect(byPeer.status).toBe(403);
    // A clinician whose launch context is another patient may not act on this patient's flag.
    const elsewhere = await as(t, await userToken('dr-lee', 'user/*.cruds', crypto.randomUUID())).post(
      `/api/encounter/safety-flags/${flagId}/acknowledgement`,
    );
    expect(elsewhere.status).toBe(403);

    const acknowledged = await clinician.post(`/api/encounter/safety-flags/${flagId}/acknowledgement`);
    expectContract(acknowledged, 'acknowledgeSafetyFlag');
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body.acknowledged).toEqual({ by: 'Practitioner/dr-lee', at: expect.any(String) });
    const again = await fhirClient(t).post(`/api/encounter/safety-flags/${flagId}/acknowledgement`);
    expect(again.body.acknowledged).toEqual(acknowledged.body.acknowledged);

    const thread = await fhirClient(t)
      .get('/fhir/Communication')
      .query({ patient, category: 'notification' });
    const [note] = (thread.body as Bundle<Communication>).entry!.map((e) => e.resource!);
    expect(thread.body.total).toBe(1);
    expectValidFhir(note!);
    expect(note).toMatchObject({
      status: 'completed',
      inResponseTo: [{ reference: raised.body.alert.reference }],
      about: [{ reference: `Flag/${flagId}` }],
      sender: { reference: 'Practitioner/dr-lee' },
      sent: acknowledged.body.acknowledged.at,
    });

    const resolved = await clinician
      .post(`/api/encounter/safety-flags/${flagId}/resolution`)
      .send({ reason: 'Safety plan agreed with the crisis team' });
    expectContract(resolved, 'resolveSafetyFlag');
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      status: 'resolved',
      resolved: { by: 'Practitioner/dr-lee', reason: 'Safety plan agreed with the crisis team' },
      flag: { reference: `Flag/${flagId}`, versionId: '2' },
    });
    const flag: Flag = (await fhirClient(t).get(`/fhir/Flag/${flagId}`)).body;
    expectValidFhir(flag);
    expect(flag.status).toBe('inactive');
    expect(flag.period).toEqual({ start: raised.body.raisedAt, end: resolved.body.resolved.at });
    const [event] = await t.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM encounter.event_outbox WHERE aggregate_id = $1 AND event_type IN ('safety.acknowledged', 'safety.resolved')",
      [flagId],
    );
    expect(event!.n).toBe(2);

    for (const [path, operation] of [
      ['resolution', 'resolveSafetyFlag'],
      ['acknowledgement', 'acknowledgeSafetyFlag'],
    ] as const) {
      const closed = await fhirClient(t)
        .post(`/api/encounter/safety-flags/${flagId}/${path}`)
        .send(path === 'resolution' ? { reason: 'Again' } : undefined);
      expectContract(closed, operation);
      expect(closed.status).toBe(409);
      expect(closed.body.issue[0].expression).toEqual(['flagId']);
    }
    expect((await fhirClient(t).get(`/fhir/Flag/${flagId}`)).body.meta.versionId).toBe('2');
  });

  it('when the flag is unknown, then 404', async () => {
    for (const path of ['acknowledgement', 'resolution']) {
      const res = await fhirClient(t)
        .post(`/api/encounter/safety-flags/no-such-flag/${path}`)
        .send(path === 'resolution' ? { reason: 'x' } : undefined);
      expect(res.status).toBe(404);
      expect(res.body.issue[0].expression).toEqual(['flagId']);
    }
  });
});

describe('who sees safety flags', () => {
  it("when flags are listed, then the open ones the caller may see, newest first and paged: a peer supporter's caseload, a clinician's patient, the whole program", async () => {
    const peer = await peerSupporterKnownToSessions(t);
    const { referralId, patient } = await referralWithPeerSupporter(t, peer);
    const peerApi = as(t, await userToken(peer));
    const ids: string[] = [];
    for (const description of ['First', 'Second', 'Third']) {
      ids.push((await peerApi.post('/api/encounter/safety-flags').send({ referralId, description })).body.id);
    }
    await fhirClient(t).post(`/api/encounter/safety-flags/${ids[0]}/resolution`).send({ reason: 'Passed' });
    const elsewhere = await fhirClient(t)
      .post('/api/encounter/safety-flags')
      .send({ patient: `Patient/${crypto.randomUUID()}`, description: 'Someone else' });

    const page = await peerApi.get('/api/encounter/safety-flags').query({ patient, limit: 1 });
    expectContract(page, 'listSafetyFlags');
    expect(page.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(page.body.items.map((f: { id: string }) => f.id)).toEqual([ids[2]]);
    expect(page.body.next).toContain('offset=1');
    const second = await peerApi.get('/api/encounter/safety-flags').query({ patient, limit: 1, offset: 1 });
    expect(second.body.items.map((f: { id: string }) => f.id)).toEqual([ids[1]]);

    const peerAll = await peerApi.get('/api/encounter/safety-flags').query({ limit: 100 });
    expect(peerAll.body.items.map((f: { id: string }) => f.id)).toEqual([ids[2], ids[1]]);

    const clinician = as(t, await userToken('dr-lee', 'user/*.cruds', patient.split('/')[1]));
    const seen = await clinician.get('/api/encounter/safety-flags');
    expect(seen.body.items.map((f: { id: string }) => f.id)).toEqual([ids[2], ids[1]]);

    const program = await fhirClient(t).get('/api/encounter/safety-flags').query({ limit: 100 });
    expect(program.body.items.map((f: { id: string }) => f.id)).toEqual(
      expect.arrayContaining([ids[2], ids[1], elsewhere.body.id]),
    );
    expect(program.body.items.map((f: { id: string }) => f.id)).not.toContain(ids[0]);
  });

  it('when a clinician with the patient in context searches /fhir/Flag and /fhir/Communication, then the safety flags and alerts are found by each declared parameter', async () => {
    const peer = await peerSupporterKnownToSessions(t);
    const { referralId, patient } = await referralWithPeerSupporter(t, peer);
    const raised = await as(t, await userToken(peer))
      .post('/api/encounter/safety-flags')
      .send({ referralId, description: 'Worried' });
    const clinician = as(t, await userToken('dr-lee', 'user/*.cruds', patient.split('/')[1]));
    const day = raised.body.raisedAt.slice(0, 10);
    const flagIds = async (query: Record<string, string>) =>
      ((await clinician.get('/fhir/Flag').query(query)).body as Bundle).entry?.map((e) => e.resource!.id) ??
      [];
    expect(await flagIds({ patient, status: 'active' })).toEqual([raised.body.id]);
    expect(await flagIds({ patient, category: SAFETY })).toEqual([raised.body.id]);
    expect(await flagIds({ patient, date: `ge${day}` })).toEqual([raised.body.id]);
    expect(await flagIds({ patient, date: `lt${day}` })).toEqual([]);
    expect(await flagIds({ patient, status: 'inactive' })).toEqual([]);
    expect(
      await flagIds({ patient, category: 'http://terminology.hl7.org/CodeSystem/flag-category|clinical' }),
    ).toEqual([]);

    const alertIds = async (query: Record<string, string>) =>
      ((await clinician.get('/fhir/Communication').query(query)).body as Bundle).entry?.map(
        (e) => e.resource!.id,
      ) ?? [];
    const alertId = raised.body.alert.reference.split('/')[1];
    expect(
      await alertIds({
        patient,
        recipient: 'Practitioner/dr-lee',
        status: 'completed',
        category: 'alert',
        sent: `ge${day}`,
      }),
    ).toEqual([alertId]);
    expect(await alertIds({ patient, recipient: 'Practitioner/someone-else' })).toEqual([]);

    // Another clinician's launch context does not reach this patient's flags.
    const other = as(t, await userToken('dr-lee', 'user/*.cruds', crypto.randomUUID()));
    expect((await other.get('/fhir/Flag').query({ patient })).body.total).toBe(0);
    expect((await other.get(`/fhir/Flag/${raised.body.id}`)).status).toBe(404);
  });
});
