import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type {
  CareTeam,
  Communication,
  Encounter,
  Flag,
  Observation,
  Procedure,
  QuestionnaireResponse,
  ServiceRequest,
  Task,
} from '@medplum/fhirtypes';
import {
  PEER_SERVICES_CODE,
  PEERBRIDGE_RESOURCE_SYSTEM,
  SESSION_PROCEDURE_SYSTEM,
} from '@peerbridge/ehr-integration';
import { EHR_PROGRAM_ID, ehrPatientId } from '@peerbridge/sandbox';
import { EHR_WRITE_BACK_TYPES } from '@peerbridge/shared';
import { fhirClient, type ListeningTestApp } from '../support/test-app.js';
import { as, userToken } from '../care-team/support/fixtures.js';
import { peerSupporterKnownToSessions } from '../encounter/support/program.js';
import { answersSumming, PHQ9_ITEMS, PHQ9_URL } from '../encounter/support/outcomes.js';
import {
  acceptAndStaff,
  connectionTo,
  deliverAll,
  ehrReferral,
  inEhr,
  seeder,
  startWriteBackApp,
  takeIn,
  writeBackRows,
} from './support/write-back-program.js';

// Write-back (issue 13, item 5) against the real sandbox EHR: referrals taken in from the EHR,
// worked in PeerBridge through its REST APIs, and what PeerBridge did written back, found in the
// EHR by its PeerBridge identifier.

let t: ListeningTestApp;
beforeAll(async () => {
  t = await startWriteBackApp((baseUrl) => [
    connectionTo(baseUrl, {
      id: 'clinic',
      clientId: 'peerbridge-clinic',
      intake: { mode: 'service-request', intervalSeconds: 86_400 },
      writeBack: [...EHR_WRITE_BACK_TYPES],
    }),
    connectionTo(baseUrl, {
      id: 'clinic-tasks',
      clientId: 'peerbridge-clinic-tasks',
      intake: { mode: 'task', intervalSeconds: 86_400, owner: `Organization/${EHR_PROGRAM_ID}` },
      writeBack: ['Task', 'CareTeam'],
    }),
  ]);
});
afterAll(() => t.close());

const HOUR = 3_600_000;
const past = (hoursAgo: number) => new Date(Date.now() - hoursAgo * HOUR).toISOString();

interface Worked {
  readonly referral: ServiceRequest;
  readonly ehrServiceRequestId: string;
  readonly peer: string;
  readonly encounter: string;
  readonly questionnaireResponse: string;
  readonly observations: readonly string[];
  readonly flag: string;
  readonly alert: string;
}

/**
 * An EHR referral for demo patient `patient` taken in, accepted and staffed; a session logged;
 * a PHQ-9 recorded in it whose item 9 is answered 1 (so a safety flag and its alert are raised).
 */
async function workedReferral(patient: number): Promise<Worked> {
  const ehrServiceRequestId = await ehrReferral(t, patient);
  const referral = await takeIn(t, 'clinic', ehrServiceRequestId);
  const peer = await peerSupporterKnownToSessions(t);
  await acceptAndStaff(t, referral.id!, peer);
  const peerApi = as(t, await userToken(peer));
  const logged = await peerApi.post('/api/encounter/sessions').send({
    referralId: referral.id,
    mode: 'in-person',
    start: past(3),
    end: past(2),
    topics: ['coping-strategies'],
    note: 'A good first meeting.',
  });
  expect(logged.status).toBe(201);
  const recorded = await peerApi.post('/api/encounter/outcomes').send({
    referralId: referral.id,
    sessionId: logged.body.id,
    questionnaire: PHQ9_URL,
    answers: answersSumming(PHQ9_ITEMS, 9, 1),
  });
  expect(recorded.status).toBe(201);
  const flags = await fhirClient(t).get('/fhir/Flag').query({ patient: referral.subject.reference });
  expect(flags.body.total).toBe(1);
  const flag = flags.body.entry[0].resource as Flag;
  const alerts = await fhirClient(t)
    .get('/fhir/Communication')
    .query({ patient: referral.subject.reference });
  const alert = alerts.body.entry[0].resource as Communication;
  return {
    referral,
    ehrServiceRequestId,
    peer,
    encounter: logged.body.encounter.reference,
    questionnaireResponse: recorded.body.questionnaireResponse.reference,
    observations: recorded.body.observations.map((o: { reference: string }) => o.reference),
    flag: `Flag/${flag.id}`,
    alert: `Communication/${alert.id}`,
  };
}

async function recordConsent(referral: ServiceRequest): Promise<void> {
  const current = await fhirClient(t).get(`/fhir/ServiceRequest/${referral.id}`);
  expect(current.status).toBe(200);
  const updated = await fhirClient(t)
    .put(`/fhir/ServiceRequest/${referral.id}`)
    .send({ ...current.body, supportingInfo: [{ reference: 'Consent/ehr-consent-1' }] });
  expect(updated.status).toBe(200);
}

describe('write-back to the EHR', () => {
  let worked: Worked;
  beforeAll(async () => {
    worked = await workedReferral(3);
    await deliverAll(t, 'clinic');
  });

  it("when a referral taken in from the EHR is accepted, then the EHR gets PeerBridge's Task for its ServiceRequest, once, with the referral's status", async () => {
    const [taskId] = (
      await fhirClient(t)
        .get('/fhir/Task')
        .query({ focus: `ServiceRequest/${worked.referral.id}` })
    ).body.entry.map((entry: { resource: Task }) => entry.resource.id);
    const tasks = await inEhr<Task>(t, 'Task', `Task/${taskId}`);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      status: 'in-progress',
      focus: { reference: `ServiceRequest/${worked.ehrServiceRequestId}` },
      for: { reference: `Patient/${ehrPatientId(3)}` },
    });
  });

  it('when the care team is staffed, then the EHR gets the CareTeam with its own patient and referring clinician, and the peer supporter by PeerBridge identity', async () => {
    const team = (
      await fhirClient(t).get('/fhir/CareTeam').query({ subject: worked.referral.subject.reference })
    ).body.entry[0].resource as CareTeam;
    const [ehrTeam] = await inEhr<CareTeam>(t, 'CareTeam', `CareTeam/${team.id}`);
    expect(ehrTeam!.status).toBe('active');
    expect(ehrTeam!.subject).toEqual({ reference: `Patient/${ehrPatientId(3)}` });
    const members = ehrTeam!.participant!.map((p) => p.member);
    expect(members).toContainEqual({ reference: 'Practitioner/dr-rivera' });
    expect(members).toContainEqual(
      expect.objectContaining({
        type: 'Practitioner',
        identifier: { system: PEERBRIDGE_RESOURCE_SYSTEM, value: `Practitioner/${worked.peer}` },
      }),
    );
  });

  it('when the referral records no consent to share session information, then its session and outcomes are held back and the safety flag and alert are written', async () => {
    expect(await inEhr(t, 'Encounter', worked.encounter)).toEqual([]);
    expect(await inEhr(t, 'QuestionnaireResponse', worked.questionnaireResponse)).toEqual([]);
    const rows = await writeBackRows(t, 'clinic');
    expect(rows.get(worked.encounter)?.state).toBe('withheld');
    expect(rows.get(worked.questionnaireResponse)?.state).toBe('withheld');
    const [flag] = await inEhr<Flag>(t, 'Flag', worked.flag);
    expect(flag).toMatchObject({ status: 'active', subject: { reference: `Patient/${ehrPatientId(3)}` } });
    const [alert] = await inEhr<Communication>(t, 'Communication', worked.alert);
    expect(alert!.about).toContainEqual({
      type: 'Flag',
      identifier: { system: PEERBRIDGE_RESOURCE_SYSTEM, value: worked.flag },
    });
    expect(alert!.recipient).toContainEqual({ reference: 'Practitioner/dr-rivera' });
  });

  describe('once consent is recorded', () => {
    beforeAll(async () => {
      await recordConsent(worked.referral);
      await deliverAll(t, 'clinic');
    });

    it('then the session is written as an Encounter for the EHR patient based on the EHR ServiceRequest, and a Procedure of peer services based on it', async () => {
      const [encounter] = await inEhr<Encounter>(t, 'Encounter', worked.encounter);
      expect(encounter).toMatchObject({
        status: 'finished',
        subject: { reference: `Patient/${ehrPatientId(3)}` },
        basedOn: [{ reference: `ServiceRequest/${worked.ehrServiceRequestId}` }],
      });
      const [procedure] = await inEhr<Procedure>(
        t,
        'Procedure',
        worked.encounter.split('/')[1]!,
        SESSION_PROCEDURE_SYSTEM,
      );
      expect(procedure).toMatchObject({
        status: 'completed',
        code: { coding: [PEER_SERVICES_CODE] },
        subject: { reference: `Patient/${ehrPatientId(3)}` },
        basedOn: [{ reference: `ServiceRequest/${worked.ehrServiceRequestId}` }],
        encounter: { identifier: { system: PEERBRIDGE_RESOURCE_SYSTEM, value: worked.encounter } },
        performedPeriod: encounter!.period,
      });
    });

    it('then the outcome is written as its QuestionnaireResponse and the Observations derived from it', async () => {
      const [response] = await inEhr<QuestionnaireResponse>(
        t,
        'QuestionnaireResponse',
        worked.questionnaireResponse,
      );
      expect(response).toMatchObject({
        status: 'completed',
        identifier: { system: PEERBRIDGE_RESOURCE_SYSTEM, value: worked.questionnaireResponse },
        subject: { reference: `Patient/${ehrPatientId(3)}` },
      });
      expect(worked.observations.length).toBe(2);
      for (const observation of worked.observations) {
        const [written] = await inEhr<Observation>(t, 'Observation', observation);
        expect(written!.derivedFrom).toEqual([
          {
            type: 'QuestionnaireResponse',
            identifier: { system: PEERBRIDGE_RESOURCE_SYSTEM, value: worked.questionnaireResponse },
          },
        ]);
      }
    });

    it('when every write-back is sent again (a delivery repeated after a crash), then the EHR still has one of each', async () => {
      const rows = await writeBackRows(t, 'clinic');
      const delivered = [...rows].filter(([, row]) => row.state === 'delivered').map(([key]) => key);
      expect(delivered).toEqual(
        expect.arrayContaining([worked.encounter, worked.questionnaireResponse, worked.flag]),
      );
      await t.db.query(
        `UPDATE ehr_integration.write_back SET state = 'pending' WHERE connection_id = 'clinic' AND state = 'delivered'`,
      );
      const again = await deliverAll(t, 'clinic');
      expect(again.delivered).toBe(delivered.length);
      for (const reference of [worked.encounter, worked.questionnaireResponse, worked.flag, worked.alert]) {
        expect(await inEhr(t, reference.split('/')[0] as 'Encounter', reference)).toHaveLength(1);
      }
    });
  });
});

describe('write-back of a referral that came with an EHR Task', () => {
  it("when the referral was taken in from the program's Task and is accepted, then that Task's status follows and no Task of PeerBridge's is written", async () => {
    const ehr = seeder(t);
    const ehrServiceRequestId = await ehrReferral(t, 4);
    const ehrTask = await ehr.create({
      ...({} as Record<string, unknown>),
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
      code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
      focus: { reference: `ServiceRequest/${ehrServiceRequestId}` },
      for: { reference: `Patient/${ehrPatientId(4)}` },
      owner: { reference: `Organization/${EHR_PROGRAM_ID}` },
    });
    const referral = await takeIn(t, 'clinic-tasks', ehrServiceRequestId);
    const accepted = await fhirClient(t)
      .post(`/api/referral/referrals/${referral.id}/status`)
      .send({ status: 'accepted' });
    expect(accepted.status).toBe(200);
    const result = await deliverAll(t, 'clinic-tasks');
    expect(result.dead).toBe(0);
    const task = (await ehr.read('Task', ehrTask.id as string)) as unknown as Task;
    expect(task.status).toBe('accepted');
    expect(task.owner).toEqual({ reference: `Organization/${EHR_PROGRAM_ID}` });
    const [peerbridgeTaskId] = (
      await fhirClient(t)
        .get('/fhir/Task')
        .query({ focus: `ServiceRequest/${referral.id}` })
    ).body.entry.map((entry: { resource: Task }) => entry.resource.id);
    expect(await inEhr(t, 'Task', `Task/${peerbridgeTaskId}`)).toEqual([]);
  });
});
