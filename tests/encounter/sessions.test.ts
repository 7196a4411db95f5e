import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Appointment, Encounter } from '@medplum/fhirtypes';
import { careTeamService } from '@peerbridge/care-team';
import { encounterService } from '@peerbridge/encounter';
import { referralService } from '@peerbridge/referral';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';
import { expectValidFhir } from '../referral/support/fhir-validation.js';
import { as, userToken } from '../care-team/support/fixtures.js';
import { authHeader } from '../support/tokens.js';
import { expectContract } from './support/contract.js';
import {
  peerSupporterKnownToSessions,
  referralWithPeerSupporter,
  taskWithBusinessStatus,
} from './support/program.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([referralService, careTeamService, encounterService], {}, { withEvents: true });
});
afterAll(() => t.close());

const HOUR = 3_600_000;
const past = (hoursAgo: number) => new Date(Date.now() - hoursAgo * HOUR).toISOString();
const future = (hoursAhead: number) => new Date(Date.now() + hoursAhead * HOUR).toISOString();

describe('sessions', () => {
  it('when a peer supporter logs a virtual one-to-one session, then a finished Encounter records it and the accepted referral moves to in-progress with 5.1.4', async () => {
    const peer = await peerSupporterKnownToSessions(t);
    const { referralId, patient } = await referralWithPeerSupporter(t, peer);
    const res = await as(t, await userToken(peer))
      .post('/api/encounter/sessions')
      .send({
        referralId,
        mode: 'virtual',
        start: past(2),
        end: past(1),
        topics: ['coping-strategies'],
        note: 'Talked through a hard week.',
      });
    expectContract(res, 'logSession');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'one-to-one',
      status: 'completed',
      mode: 'virtual',
      minutes: 60,
      topics: ['coping-strategies'],
      note: 'Talked through a hard week.',
      attendees: [{ referralId, patient, attended: true }],
      peerSupporter: { practitioner: `Practitioner/${peer}` },
    });
    const encounter: Encounter = (await fhirClient(t).get(`/fhir/${res.body.encounter.reference}`)).body;
    expectValidFhir(encounter);
    expect(encounter).toMatchObject({
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'VR' },
      subject: { reference: patient },
      basedOn: [{ reference: `ServiceRequest/${referralId}` }],
      participant: [{ individual: { reference: res.body.peerSupporter.practitionerRole } }],
      length: { value: 60, unit: 'min', system: 'http://unitsofmeasure.org', code: 'min' },
    });
    expect(encounter.type?.map((t) => t.coding?.[0]?.code)).toEqual(['one-to-one', 'video']);

    const task = await taskWithBusinessStatus(t, referralId, '5.1.4');
    expect(task.status).toBe('in-progress');
    // The care-team service hears of it too: the peer supporter's caseload shows the session's date.
    const caseload = await waitFor('the caseload to show the session', async () => {
      const res = await fhirClient(t).get(`/api/care-team/peer-supporters/${peer}/caseload`);
      return res.body.items[0]?.lastSessionDate ? res.body : undefined;
    });
    expect(caseload.items[0]).toMatchObject({ referralId, lastSessionDate: past(1).slice(0, 10) });
    const found = await fhirClient(t).get(`/fhir/Encounter?patient=${patient}`);
    expect(found.body.entry.map((e: { resource: Encounter }) => e.resource.id)).toEqual([encounter.id]);
  });

  it('when a planned session is missed, then the Appointment is noshow and the referral records 5.1.2; a cancelled one 5.1.3', async () => {
    const peer = await peerSupporterKnownToSessions(t);
    const { referralId } = await referralWithPeerSupporter(t, peer);
    const peerApi = as(t, await userToken(peer));
    const plan = () =>
      peerApi
        .post('/api/encounter/sessions/planned')
        .send({ referralId, mode: 'in-person', start: future(24), end: future(25) });
    const planned = await plan();
    expectContract(planned, 'planSession');
    expect(planned.status).toBe(201);
    expect(planned.body.status).toBe('planned');
    const booked: Appointment = (await fhirClient(t).get(`/fhir/${planned.body.appointment.reference}`)).body;
    expectValidFhir(booked);
    expect(booked.status).toBe('booked');

    const missed = await peerApi.post(`/api/encounter/sessions/${planned.body.id}/no-show`);
    expectContract(missed, 'recordNoShow');
    expect(missed.body.status).toBe('no-show');
    expect((await fhirClient(t).get(`/fhir/${planned.body.appointment.reference}`)).body.status).toBe(
      'noshow',
    );
    expect((await taskWithBusinessStatus(t, referralId, '5.1.2')).status).toBe('accepted');

    const again = await plan();
    const cancelled = await peerApi
      .post(`/api/encounter/sessions/${again.body.id}/cancellation`)
      .send({ reason: 'Unwell' });
    expectContract(cancelled, 'cancelSession');
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancellationReason: 'Unwell' });
    await taskWithBusinessStatus(t, referralId, '5.1.3');

    const twice = await peerApi
      .post(`/api/encounter/sessions/${again.body.id}/cancellation`)
      .send({ reason: 'Again' });
    expectContract(twice, 'cancelSession');
    expect(twice.status).toBe(409);
  });

  it('when a group session is logged with an absentee, then one group Encounter and one per attendee partOf it exist, the absentee cancelled, and only attendees move their referral', async () => {
    const peer = await peerSupporterKnownToSessions(t);
    const came = await referralWithPeerSupporter(t, peer);
    const absent = await referralWithPeerSupporter(t, peer);
    const res = await as(t, await userToken(peer))
      .post('/api/encounter/sessions')
      .send({
        attendees: [{ referralId: came.referralId }, { referralId: absent.referralId, attended: false }],
        mode: 'in-person',
        start: past(3),
        end: past(2),
      });
    expectContract(res, 'logSession');
    expect(res.status).toBe(201);
    expect(res.body.kind).toBe('group');
    const group: Encounter = (await fhirClient(t).get(`/fhir/${res.body.encounter.reference}`)).body;
    expectValidFhir(group);
    expect(group.subject).toBeUndefined();
    for (const [attendee, status] of [
      [came, 'finished'],
      [absent, 'cancelled'],
    ] as const) {
      const own = await fhirClient(t).get(
        `/fhir/Encounter?patient=${attendee.patient}&part-of=Encounter/${group.id}`,
      );
      expect(own.body.entry.map((e: { resource: Encounter }) => e.resource.status)).toEqual([status]);
    }
    expect((await taskWithBusinessStatus(t, came.referralId, '5.1.4')).status).toBe('in-progress');
    const absentTask = await fhirClient(t).get(`/fhir/Task?focus=ServiceRequest/${absent.referralId}`);
    expect(absentTask.body.entry[0].resource.businessStatus.coding[0].code).toBe('3.0');
  });
});

describe("a group session seen in one attendee's context", () => {
  it("when one attendee's clinician or the patient reads a planned group session, then they see that attendee only, labelled REDACTED, and the program sees every attendee", async () => {
    const peer = await peerSupporterKnownToSessions(t);
    const mine = await referralWithPeerSupporter(t, peer);
    const theirs = await referralWithPeerSupporter(t, peer);
    const planned = await as(t, await userToken(peer))
      .post('/api/encounter/sessions/planned')
      .send({
        attendees: [{ referralId: mine.referralId }, { referralId: theirs.referralId }],
        mode: 'in-person',
        start: future(24),
        end: future(25),
      });
    expect(planned.status).toBe(201);
    const patientId = mine.patient.split('/')[1]!;
    const callers = {
      clinician: as(t, await userToken('dr-attendee', 'user/*.cruds', patientId)),
      patient: as(t, await authHeader('patient/*.rs', { patient: patientId })),
    };
    for (const [who, api] of Object.entries(callers)) {
      const appointment: Appointment = (await api.get(`/fhir/${planned.body.appointment.reference}`)).body;
      const patients = (appointment.participant ?? [])
        .map((p) => p.actor?.reference)
        .filter((reference) => reference?.startsWith('Patient/'));
      expect({ who, patients }).toEqual({ who, patients: [mine.patient] });
      expect({ who, basedOn: appointment.basedOn }).toEqual({
        who,
        basedOn: [{ reference: `ServiceRequest/${mine.referralId}` }],
      });
      expect(appointment.meta?.security).toContainEqual(expect.objectContaining({ code: 'REDACTED' }));
    }
    const view = await callers.clinician.get(`/api/encounter/sessions/${planned.body.id}`);
    expect(view.status).toBe(200);
    expect(view.body.attendees.map((a: { patient: string }) => a.patient)).toEqual([mine.patient]);
    const program = await fhirClient(t).get(`/api/encounter/sessions/${planned.body.id}`);
    expect(program.body.attendees.map((a: { patient: string }) => a.patient).sort()).toEqual(
      [mine.patient, theirs.patient].sort(),
    );
  });
});

describe('bad session input changes nothing', () => {
  it.each([
    ['ends before it starts', { start: past(1), end: past(2) }, 'end'],
    ['is logged as finished in the future', { start: past(1), end: future(1) }, 'end'],
  ])('when a session %s, then 400 names the field', async (_what, times, expression) => {
    const peer = await peerSupporterKnownToSessions(t);
    const { referralId } = await referralWithPeerSupporter(t, peer);
    const res = await as(t, await userToken(peer))
      .post('/api/encounter/sessions')
      .send({ referralId, mode: 'phone', ...times });
    expectContract(res, 'logSession');
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual([expression]);
  });

  it('when a group lists an attendee twice, then 400 names the second', async () => {
    const peer = await peerSupporterKnownToSessions(t);
    const { referralId } = await referralWithPeerSupporter(t, peer);
    const res = await as(t, await userToken(peer))
      .post('/api/encounter/sessions')
      .send({ attendees: [{ referralId }, { referralId }], mode: 'in-person', start: past(2), end: past(1) });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['attendees[1].referralId']);
  });

  it("when the patient is not on the peer supporter's caseload, then 403 and no Encounter is written; a coordinator may", async () => {
    const owner = await peerSupporterKnownToSessions(t);
    const other = await peerSupporterKnownToSessions(t);
    const { referralId, patient } = await referralWithPeerSupporter(t, owner);
    const body = { referralId, mode: 'home', start: past(2), end: past(1) };
    const refused = await as(t, await userToken(other))
      .post('/api/encounter/sessions')
      .send(body);
    expectContract(refused, 'logSession');
    expect(refused.status).toBe(403);
    expect((await fhirClient(t).get(`/fhir/Encounter?patient=${patient}`)).body.total).toBe(0);
    const byProgram = await fhirClient(t).post('/api/encounter/sessions').send(body);
    expect(byProgram.status).toBe(201);
    expect(byProgram.body.peerSupporter.practitioner).toBe(`Practitioner/${owner}`);
  });

  it('when the referral has no care team, then 404 names referralId', async () => {
    const res = await fhirClient(t)
      .post('/api/encounter/sessions/planned')
      .send({ referralId: 'no-such-referral', mode: 'phone', start: future(1), end: future(2) });
    expectContract(res, 'planSession');
    expect(res.status).toBe(404);
    expect(res.body.issue[0].expression).toEqual(['referralId']);
  });
});
