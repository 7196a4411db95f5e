import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Appointment, Bundle, Encounter, Resource } from '@medplum/fhirtypes';
import { careTeamService } from '@peerbridge/care-team';
import { encounterService } from '@peerbridge/encounter';
import { referralService } from '@peerbridge/referral';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';
import { as, userToken, type Agent } from '../care-team/support/fixtures.js';
import { expectContract } from './support/contract.js';
import {
  consentKnownToSessions,
  peerSupporterKnownToSessions,
  referralWithPeerSupporter,
} from './support/program.js';
import { phq9Outcome } from './support/outcomes.js';

// Consent gates disclosure (issue 12 item 8): when a referral records no consent to share session
// information with the care team, a clinician outside the program sees that its sessions
// happened, not their topics, notes or questionnaire answers; peer supporters and the program see
// everything; safety flags always reach the care team.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([referralService, careTeamService, encounterService], {}, { withEvents: true });
});
afterAll(() => t.close());

const HOUR = 3_600_000;
const past = (hoursAgo: number) => new Date(Date.now() - hoursAgo * HOUR).toISOString();
const future = (hoursAhead: number) => new Date(Date.now() + hoursAhead * HOUR).toISOString();

const NOTE_EXTENSION = 'https://peerbridge.org/fhir/StructureDefinition/session-note';
const TOPIC_EXTENSION = 'https://peerbridge.org/fhir/StructureDefinition/session-topic';
const REDACTED = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'REDACTED',
  display: 'redacted',
};

interface Referral {
  readonly referralId: string;
  readonly sessionId: string;
  readonly encounter: string;
  readonly questionnaireResponse: string;
  /** The response's Observations: its total score and (PHQ-9) item 9. */
  readonly observations: readonly string[];
}

interface Program {
  readonly patient: string;
  readonly peer: string;
  readonly shared: Referral;
  readonly unshared: Referral;
  readonly plannedUnshared: { sessionId: string; appointment: string };
  readonly flag: string;
  readonly communication: string;
}

/**
 * One patient with two referrals, both with the same peer supporter: `shared` records consent,
 * `unshared` does not. Each has a logged session with topics and a note, a scored response and
 * its score; `unshared` also has a planned session with a note, and the patient a safety flag.
 */
async function program(): Promise<Program> {
  const peer = await peerSupporterKnownToSessions(t);
  const patient = `Patient/${randomUUID()}`;
  const shared = await referralWithPeerSupporter(t, peer, { patient: { reference: patient } });
  const unshared = await referralWithPeerSupporter(t, peer, {
    patient: { reference: patient },
    consent: { shareWithCareTeam: false },
  });
  await consentKnownToSessions(t, shared.referralId, true);
  await consentKnownToSessions(t, unshared.referralId, false);
  const peerApi = as(t, await userToken(peer));
  const withRecords = async (referralId: string, note: string): Promise<Referral> => {
    const logged = await peerApi.post('/api/encounter/sessions').send({
      referralId,
      mode: 'phone',
      start: past(3),
      end: past(2),
      topics: ['coping-strategies'],
      note,
    });
    expect(logged.status).toBe(201);
    const { questionnaireResponse, observations } = await outcome(peerApi, referralId, logged.body.id);
    return {
      referralId,
      sessionId: logged.body.id,
      encounter: logged.body.encounter.reference,
      questionnaireResponse,
      observations,
    };
  };
  const planned = await peerApi.post('/api/encounter/sessions/planned').send({
    referralId: unshared.referralId,
    mode: 'home',
    start: future(24),
    end: future(25),
    topics: ['housing'],
    note: 'Bring the housing forms.',
  });
  expect(planned.status).toBe(201);
  const { flag, communication } = await safetyFlag(peerApi, unshared.referralId);
  return {
    patient,
    peer,
    shared: await withRecords(shared.referralId, 'Shared: a good week.'),
    unshared: await withRecords(unshared.referralId, 'Private: a hard week.'),
    plannedUnshared: { sessionId: planned.body.id, appointment: planned.body.appointment.reference },
    flag,
    communication,
  };
}

/** A PHQ-9 recorded in the session by the peer supporter: the response and its total score. */
async function outcome(
  peerApi: Agent,
  referralId: string,
  sessionId: string,
): Promise<{ questionnaireResponse: string; observations: string[] }> {
  const res = await peerApi.post('/api/encounter/outcomes').send(phq9Outcome(referralId, 7, { sessionId }));
  expect(res.status).toBe(201);
  return {
    questionnaireResponse: res.body.questionnaireResponse.reference,
    observations: res.body.observations.map((o: { reference: string }) => o.reference),
  };
}

/** A safety concern the peer supporter raises on the referral without consent. */
async function safetyFlag(
  peerApi: Agent,
  referralId: string,
): Promise<{ flag: string; communication: string }> {
  const res = await peerApi
    .post('/api/encounter/safety-flags')
    .send({ referralId, description: 'A safety concern was raised' });
  expect(res.status).toBe(201);
  return { flag: res.body.flag.reference, communication: res.body.alert.reference };
}

/** A clinician outside the program, with the patient in their launch context. */
async function clinicianOf(patient: string): Promise<Agent> {
  return as(t, await userToken(`dr-${randomUUID()}`, 'user/*.cruds', patient.split('/')[1]));
}

function entries<T extends Resource>(bundle: Bundle, mode = 'match'): T[] {
  return (bundle.entry ?? []).filter((e) => e.search?.mode === mode).map((e) => e.resource as T);
}

function urls(resource: { extension?: { url: string }[] }): string[] {
  return (resource.extension ?? []).map((e) => e.url).sort();
}

const ids = (resources: Resource[]) => resources.map((r) => `${r.resourceType}/${r.id}`).sort();

describe('consent gates disclosure', () => {
  let made: Program;
  beforeAll(async () => {
    made = await program();
  });

  it('when a clinician reads sessions through FHIR, then the referral without consent shows date, mode and attendance, not topics or note, labelled REDACTED', async () => {
    const clinician = await clinicianOf(made.patient);
    const search = await clinician.get(`/fhir/Encounter?patient=${made.patient}`);
    expect(search.status).toBe(200);
    const found = new Map(entries<Encounter>(search.body).map((e) => [`Encounter/${e.id}`, e]));
    expect([...found.keys()].sort()).toEqual([made.shared.encounter, made.unshared.encounter].sort());

    const shared = found.get(made.shared.encounter)!;
    expect(urls(shared)).toEqual([NOTE_EXTENSION, TOPIC_EXTENSION]);
    expect(shared.meta?.security).toBeUndefined();

    const withheld = found.get(made.unshared.encounter)!;
    expect(withheld.extension).toBeUndefined();
    expect(withheld.meta?.security).toEqual([REDACTED]);
    expect(withheld).toMatchObject({
      status: 'finished',
      class: { code: 'VR' },
      subject: { reference: made.patient },
      basedOn: [{ reference: `ServiceRequest/${made.unshared.referralId}` }],
      period: { start: expect.any(String), end: expect.any(String) },
    });

    const read = await clinician.get(`/fhir/${made.unshared.encounter}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(withheld);
    const vread = await clinician.get(`/fhir/${made.unshared.encounter}/_history/1`);
    expect(vread.status).toBe(200);
    expect(vread.body.extension).toBeUndefined();
    expect(vread.body.meta.security).toEqual([REDACTED]);
    const history = await clinician.get(`/fhir/${made.unshared.encounter}/_history`);
    expect(history.status).toBe(200);
    const versions = (history.body as Bundle).entry!.map((e) => e.resource as Encounter);
    expect(versions.length).toBe(1);
    expect(versions.map((v) => [v.extension, v.meta?.security])).toEqual([[undefined, [REDACTED]]]);

    const planned = await clinician.get(`/fhir/${made.plannedUnshared.appointment}`);
    expect(planned.status).toBe(200);
    const appointment = planned.body as Appointment;
    expect(appointment.extension).toBeUndefined();
    expect(appointment.comment).toBeUndefined();
    expect(appointment.meta?.security).toEqual([REDACTED]);
    expect(appointment.status).toBe('booked');
  });

  it('when a clinician reads sessions through REST, then the session of the referral without consent has no topics and no note and says contentWithheld', async () => {
    const clinician = await clinicianOf(made.patient);
    const list = await clinician.get('/api/encounter/sessions?limit=10');
    expectContract(list, 'listSessions');
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(3);
    const byId = new Map(
      (list.body.items as { id: string; topics: string[]; note?: string }[]).map((s) => [s.id, s]),
    );
    expect(byId.get(made.shared.sessionId)).toMatchObject({
      topics: ['coping-strategies'],
      note: 'Shared: a good week.',
    });
    expect(byId.get(made.shared.sessionId)).not.toHaveProperty('contentWithheld');
    for (const id of [made.unshared.sessionId, made.plannedUnshared.sessionId]) {
      expect(byId.get(id)).toMatchObject({ topics: [], contentWithheld: true });
      expect(byId.get(id)?.note).toBeUndefined();
    }

    const one = await clinician.get(`/api/encounter/sessions/${made.unshared.sessionId}`);
    expectContract(one, 'getSession');
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      status: 'completed',
      mode: 'phone',
      minutes: 60,
      topics: [],
      contentWithheld: true,
    });
    expect(one.body.attendees).toEqual([
      {
        referralId: made.unshared.referralId,
        patient: made.patient,
        attended: true,
        encounter: { reference: made.unshared.encounter, versionId: '1' },
      },
    ]);
    expect(one.body.note).toBeUndefined();
  });

  it('when a clinician searches outcomes, then only those based on the referral with consent are found, counted and included', async () => {
    const clinician = await clinicianOf(made.patient);
    const responses = await clinician.get(`/fhir/QuestionnaireResponse?patient=${made.patient}`);
    expect(responses.status).toBe(200);
    expect(responses.body.total).toBe(1);
    expect(ids(entries(responses.body))).toEqual([made.shared.questionnaireResponse]);

    const scores = await clinician.get(
      `/fhir/Observation?patient=${made.patient}&_include=Observation:derived-from`,
    );
    expect(scores.status).toBe(200);
    expect(scores.body.total).toBe(2);
    expect(ids(entries(scores.body))).toEqual([...made.shared.observations].sort());
    expect(ids(entries(scores.body, 'include'))).toEqual([made.shared.questionnaireResponse]);

    expect((await clinician.get(`/fhir/${made.unshared.questionnaireResponse}`)).status).toBe(404);
    expect((await clinician.get(`/fhir/${made.unshared.observations[0]}`)).status).toBe(404);
    expect((await clinician.get(`/fhir/${made.shared.observations[0]}`)).status).toBe(200);
  });

  it('when a clinician searches safety flags, then the flag and its alert reach them whatever the consent', async () => {
    const clinician = await clinicianOf(made.patient);
    const flags = await clinician.get(`/fhir/Flag?patient=${made.patient}`);
    expect(flags.status).toBe(200);
    expect(ids(entries(flags.body))).toEqual([made.flag]);
    const alerts = await clinician.get(`/fhir/Communication?patient=${made.patient}`);
    expect(alerts.status).toBe(200);
    expect(ids(entries(alerts.body))).toEqual([made.communication]);
  });

  it.each([
    ['the peer supporter', async () => as(t, await userToken(made.peer))],
    [
      'a coordinator',
      async () =>
        as(
          t,
          await userToken(
            await peerSupporterKnownToSessions(t, {
              role: 'coordinator',
              name: { given: ['Cora'], family: 'Diaz' },
            }),
          ),
        ),
    ],
  ])(
    'when %s reads, then every session shows topics and note and every outcome is found',
    async (_who, agent) => {
      const reader = await agent();
      const search = await reader.get(`/fhir/Encounter?patient=${made.patient}`);
      expect(search.status).toBe(200);
      const found = entries<Encounter>(search.body);
      expect(found.length).toBe(2);
      for (const encounter of found) {
        expect(urls(encounter)).toEqual([NOTE_EXTENSION, TOPIC_EXTENSION]);
        expect(encounter.meta?.security).toBeUndefined();
      }
      const planned = await reader.get(`/fhir/${made.plannedUnshared.appointment}`);
      expect(planned.body.comment).toBe('Bring the housing forms.');

      const one = await reader.get(`/api/encounter/sessions/${made.unshared.sessionId}`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ topics: ['coping-strategies'], note: 'Private: a hard week.' });
      expect(one.body).not.toHaveProperty('contentWithheld');

      const responses = await reader.get(`/fhir/QuestionnaireResponse?patient=${made.patient}`);
      expect(ids(entries(responses.body))).toEqual(
        [made.shared.questionnaireResponse, made.unshared.questionnaireResponse].sort(),
      );
      const scores = await reader.get(`/fhir/Observation?patient=${made.patient}`);
      expect(ids(entries(scores.body))).toEqual(
        [...made.shared.observations, ...made.unshared.observations].sort(),
      );
      const flags = await reader.get(`/fhir/Flag?patient=${made.patient}`);
      expect(ids(entries(flags.body))).toEqual([made.flag]);
    },
  );

  it('when the program reads with a system token, then it sees the note of the referral without consent', async () => {
    const res = await fhirClient(t).get(`/fhir/${made.unshared.encounter}`);
    expect(res.status).toBe(200);
    expect(urls(res.body)).toEqual([NOTE_EXTENSION, TOPIC_EXTENSION]);
  });
});

describe('consent gates disclosure of group sessions', () => {
  it("when a group session includes a referral without consent, then that patient's clinician sees their own Encounter of it without topics or note, through both APIs, while a consenting attendee's clinician and the peer supporter see them", async () => {
    const peer = await peerSupporterKnownToSessions(t);
    const unshared = await referralWithPeerSupporter(t, peer, { consent: { shareWithCareTeam: false } });
    const shared = await referralWithPeerSupporter(t, peer);
    await consentKnownToSessions(t, unshared.referralId, false);
    await consentKnownToSessions(t, shared.referralId, true);
    const logged = await as(t, await userToken(peer))
      .post('/api/encounter/sessions')
      .send({
        attendees: [{ referralId: unshared.referralId }, { referralId: shared.referralId }],
        mode: 'in-person',
        start: past(3),
        end: past(2),
        topics: ['community-connection'],
        note: 'Group: everyone spoke.',
      });
    expect(logged.status).toBe(201);
    const group = logged.body.encounter.reference as string;
    const own = (patient: string) =>
      `Encounter/${
        (logged.body.attendees as { patient: string; encounter: { reference: string } }[])
          .find((a) => a.patient === patient)!
          .encounter.reference.split('/')[1]
      }`;

    const withheldFrom = await clinicianOf(unshared.patient);
    const child = await withheldFrom.get(`/fhir/Encounter?patient=${unshared.patient}&part-of=${group}`);
    expect(ids(entries(child.body))).toEqual([own(unshared.patient)]);
    const [withheld] = entries<Encounter>(child.body);
    expect(withheld!.extension).toBeUndefined();
    expect(withheld!.meta?.security).toEqual([REDACTED]);
    expect((await withheldFrom.get(`/fhir/${group}`)).status).toBe(404);
    const rest = await withheldFrom.get(`/api/encounter/sessions/${logged.body.id}`);
    expectContract(rest, 'getSession');
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({
      kind: 'group',
      status: 'completed',
      mode: 'in-person',
      topics: [],
      contentWithheld: true,
    });
    expect(rest.body.encounter.reference).toBe(own(unshared.patient));
    expect(rest.body.note).toBeUndefined();
    const listed = await withheldFrom.get('/api/encounter/sessions');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((s: { id: string; topics: string[] }) => [s.id, s.topics])).toEqual([
      [logged.body.id, []],
    ]);

    const sharedWith = await clinicianOf(shared.patient);
    const theirs = await sharedWith.get(`/fhir/${own(shared.patient)}`);
    expect(urls(theirs.body)).toEqual([NOTE_EXTENSION, TOPIC_EXTENSION]);
    expect((await sharedWith.get(`/api/encounter/sessions/${logged.body.id}`)).body.note).toBe(
      'Group: everyone spoke.',
    );

    const whole = await as(t, await userToken(peer)).get(`/fhir/${group}`);
    expect(urls(whole.body)).toEqual([NOTE_EXTENSION, TOPIC_EXTENSION]);
  });
});

describe('consent withdrawn', () => {
  it("when the referral's ServiceRequest is updated without its Consent, then the clinician no longer sees the notes of its past sessions nor its outcomes", async () => {
    const peer = await peerSupporterKnownToSessions(t);
    const { referralId, patient } = await referralWithPeerSupporter(t, peer);
    await consentKnownToSessions(t, referralId, true);
    const peerApi = as(t, await userToken(peer));
    const logged = await peerApi
      .post('/api/encounter/sessions')
      .send({ referralId, mode: 'virtual', start: past(3), end: past(2), note: 'Before withdrawal.' });
    expect(logged.status).toBe(201);
    const { questionnaireResponse } = await outcome(peerApi, referralId, logged.body.id);
    const clinician = await clinicianOf(patient);
    expect(urls((await clinician.get(`/fhir/${logged.body.encounter.reference}`)).body)).toEqual([
      NOTE_EXTENSION,
    ]);
    expect((await clinician.get(`/fhir/${questionnaireResponse}`)).status).toBe(200);

    const current = (await fhirClient(t).get(`/fhir/ServiceRequest/${referralId}`)).body;
    const { supportingInfo: _consent, ...withdrawn } = current;
    const updated = await fhirClient(t).put(`/fhir/ServiceRequest/${referralId}`).send(withdrawn);
    expect(updated.status).toBe(200);
    await consentKnownToSessions(t, referralId, false);

    const after = await clinician.get(`/fhir/${logged.body.encounter.reference}`);
    expect(after.body.extension).toBeUndefined();
    expect(after.body.meta.security).toEqual([REDACTED]);
    expect((await clinician.get(`/api/encounter/sessions/${logged.body.id}`)).body.note).toBeUndefined();
    expect((await clinician.get(`/fhir/${questionnaireResponse}`)).status).toBe(404);
  });
});
