import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, Patient, ServiceRequest } from '@medplum/fhirtypes';
import {
  EHR_SERVICE_REQUEST_IDENTIFIER_SYSTEM,
  EhrFhirClient,
  ehrIntegrationService,
  intakePoller,
  type IntakePoller,
} from '@peerbridge/ehr-integration';
import { referralService } from '@peerbridge/referral';
import { EHR_MRN_SYSTEM, EHR_PROGRAM_ID, ehrMrn, ehrPatientId } from '@peerbridge/sandbox';
import { createLogger, createValidator, type EhrConnection } from '@peerbridge/shared';
import { fhirClient, startListeningTestApp, type ListeningTestApp } from '../support/test-app.js';
import { authHeader, type TokenOptions } from '../support/tokens.js';
import { eventsSettled } from '../support/events-settled.js';
import { waitFor } from '../support/wait-for.js';
import { clearEhrFault, setEhrFault } from './sandbox-ehr-access.js';
import { createEhrReferral } from './support/ehr-referrals.js';

// Intake against the real sandbox EHR (issue 13, item 4): polls triggered directly (the worker's
// interval is a day here), referrals created by the referral service from the intake events.

const logger = createLogger({ level: 'error', service: 'test', silent: true });
const key = () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'jwk' });
const DEMO_REFERRALS = 4;

let t: ListeningTestApp;
let intake: EhrConnection;
let seeder: EhrFhirClient;

beforeAll(async () => {
  t = await startListeningTestApp(
    [referralService, ehrIntegrationService],
    (baseUrl) => ({
      SANDBOX: '1',
      EHR_CONNECTIONS: JSON.stringify([
        {
          id: 'clinic',
          fhirBaseUrl: `${baseUrl}/sandbox/ehr/fhir`,
          tokenEndpoint: `${baseUrl}/sandbox/auth/token`,
          clientId: 'peerbridge-intake',
          privateKey: key(),
          alg: 'ES384',
          scopes: 'system/Patient.rs system/ServiceRequest.rs system/Task.rs',
          intake: { mode: 'service-request', intervalSeconds: 86_400 },
        },
        {
          id: 'clinic-tasks',
          fhirBaseUrl: `${baseUrl}/sandbox/ehr/fhir`,
          tokenEndpoint: `${baseUrl}/sandbox/auth/token`,
          clientId: 'peerbridge-task-intake',
          privateKey: key(),
          alg: 'ES384',
          scopes: 'system/Patient.rs system/ServiceRequest.rs system/Task.rs',
          intake: { mode: 'task', intervalSeconds: 86_400, owner: `Organization/${EHR_PROGRAM_ID}` },
        },
        {
          id: 'seeder',
          fhirBaseUrl: `${baseUrl}/sandbox/ehr/fhir`,
          tokenEndpoint: `${baseUrl}/sandbox/auth/token`,
          clientId: 'ehr-test-seeder',
          privateKey: key(),
          alg: 'ES384',
          scopes: 'system/Patient.rs system/ServiceRequest.cruds',
          intake: { mode: 'off' },
        },
      ]),
    }),
    { withEvents: true },
  );
  intake = t.config.ehrConnections.find((connection) => connection.id === 'clinic')!;
  seeder = new EhrFhirClient(
    t.config.ehrConnections.find((connection) => connection.id === 'seeder')!,
    logger,
  );
});
afterAll(() => t.close());

function poller(pageSize?: number, client = new EhrFhirClient(intake, logger)): IntakePoller {
  return intakePoller(
    { config: t.config, db: t.db, logger, validator: createValidator() },
    intake,
    client,
    pageSize,
  );
}

/** A token for this app (its audience is its listening address); `system/*.*` by default. */
const token = (scope = 'system/*.*', options: Omit<TokenOptions, 'scope'> = {}) =>
  authHeader(scope, { ...options, audience: `${t.baseUrl}/fhir` });
const peerbridge = async (scope?: string, options?: Omit<TokenOptions, 'scope'>) =>
  fhirClient(t, { Authorization: await token(scope, options) });

const ehrUrl = (reference: string) => `${intake.fhirBaseUrl}/${reference}`;

/** A new peer-support referral in the EHR for a demo patient (1–12). */
const ehrReferral = (patient: number, changes: Partial<ServiceRequest> = {}) =>
  createEhrReferral(seeder, patient, changes);

/** PeerBridge referrals made from this EHR ServiceRequest (0 or 1, never more). */
async function referralsOf(ehrServiceRequestId: string): Promise<ServiceRequest[]> {
  const res = await (await peerbridge()).get('/fhir/ServiceRequest').query({
    identifier: `${EHR_SERVICE_REQUEST_IDENTIFIER_SYSTEM}|${ehrUrl(`ServiceRequest/${ehrServiceRequestId}`)}`,
  });
  expect(res.status).toBe(200);
  return ((res.body as Bundle<ServiceRequest>).entry ?? []).map((entry) => entry.resource!);
}

async function referralOf(ehrServiceRequestId: string): Promise<ServiceRequest> {
  return waitFor(
    `the referral of ${ehrServiceRequestId}`,
    async () => (await referralsOf(ehrServiceRequestId))[0],
  );
}

async function intakeRows(): Promise<
  { ehr_service_request: string; outcome: string; reason: string | null }[]
> {
  return t.db.query(
    `SELECT ehr_service_request, outcome, reason FROM ehr_integration.intake_referral WHERE connection_id = 'clinic'`,
  );
}

describe('referral intake from the sandbox EHR', () => {
  it('when the demo referrals are polled twice, then each becomes exactly one PeerBridge referral with the EHR patient and MRN', async () => {
    const first = await poller().poll();
    expect(first.accepted).toBe(DEMO_REFERRALS);
    expect(first.rejected).toBe(0);
    const second = await poller().poll();
    expect(second).toMatchObject({ accepted: 0, rejected: 0 });

    for (let number = 1; number <= DEMO_REFERRALS; number += 1) {
      const referral = await referralOf(`ehr-referral-${number}`);
      expect(referral.subject).toEqual({
        reference: ehrUrl(`Patient/${ehrPatientId(number)}`),
        identifier: {
          type: {
            coding: [
              expect.objectContaining({
                system: 'http://terminology.hl7.org/CodeSystem/v2-0203',
                code: 'MR',
              }),
            ],
          },
          system: EHR_MRN_SYSTEM,
          value: ehrMrn(number),
        },
      });
      expect(referral.requester?.reference).toMatch(new RegExp(`^${intake.fhirBaseUrl}/Practitioner/`));
    }
    await poller().poll();
    for (let number = 1; number <= DEMO_REFERRALS; number += 1) {
      expect(await referralsOf(`ehr-referral-${number}`)).toHaveLength(1);
    }
  });

  it('when the Tasks the program owns are polled (task mode), then their ServiceRequests are taken in and no referral is made twice', async () => {
    const tasks = t.config.ehrConnections.find((connection) => connection.id === 'clinic-tasks')!;
    const context = { config: t.config, db: t.db, logger, validator: createValidator() };
    const result = await intakePoller(context, tasks, new EhrFhirClient(tasks, logger), 2).poll();
    expect(result).toMatchObject({ accepted: DEMO_REFERRALS, rejected: 0 });
    expect(result.pages).toBeGreaterThanOrEqual(2);
    const rows = await t.db.query<{ ehr_service_request: string }>(
      `SELECT ehr_service_request FROM ehr_integration.intake_referral WHERE connection_id = 'clinic-tasks'
       ORDER BY ehr_service_request`,
    );
    expect(rows.map((row) => row.ehr_service_request)).toEqual(
      [1, 2, 3, 4].map((number) => ehrUrl(`ServiceRequest/ehr-referral-${number}`)),
    );
    await eventsSettled(t.db, ['ehr_integration', 'referral']);
    for (let number = 1; number <= DEMO_REFERRALS; number += 1) {
      expect(await referralsOf(`ehr-referral-${number}`)).toHaveLength(1);
    }
  });

  it('when more referrals wait than fit on a page, then every page is followed and each is taken in once', async () => {
    const ids: string[] = [];
    for (let patient = 5; patient <= 11; patient += 1) {
      ids.push(await ehrReferral(patient));
    }
    const result = await poller(3).poll();
    expect(result.pages).toBeGreaterThanOrEqual(3);
    expect(result.accepted).toBe(7);
    for (const id of ids) {
      await referralOf(id);
    }
    expect((await poller(3).poll()).accepted).toBe(0);
    for (const id of ids) {
      expect(await referralsOf(id)).toHaveLength(1);
    }
  });

  it('when the EHR fails the second page, then the next poll resumes without loss or duplicates', async () => {
    const ids: string[] = [];
    for (let patient = 1; patient <= 5; patient += 1) {
      ids.push(await ehrReferral(patient));
    }
    const client = new EhrFhirClient(intake, logger);
    const nextPage = client.nextPage.bind(client);
    // The real EHR answers 503 to the request for the second page, as in an outage.
    client.nextPage = async (bundle) => {
      await setEhrFault(t.baseUrl, { kind: 503, target: 'fhir', count: 1, retryAfterSeconds: 1 });
      return nextPage(bundle);
    };
    await expect(poller(3, client).poll()).rejects.toMatchObject({ status: 503 });
    await clearEhrFault(t.baseUrl);
    // The first page was committed (its first entry may be the last of the previous poll, seen again).
    const takenIn = (await intakeRows()).filter((row) =>
      ids.some((id) => row.ehr_service_request.endsWith(`/${id}`)),
    );
    expect(takenIn.length).toBeGreaterThanOrEqual(2);
    expect(takenIn.length).toBeLessThan(5);

    const resumed = await poller(3).poll();
    expect(resumed.accepted).toBe(5 - takenIn.length);
    for (const id of ids) {
      await referralOf(id);
      expect(await referralsOf(id)).toHaveLength(1);
    }
  });

  it('when an EHR referral cannot be mapped, then it is recorded as rejected with its reason, once, and no referral is made', async () => {
    const proposal = await ehrReferral(2, { intent: 'proposal' });
    const noPatient = await ehrReferral(3, { subject: { reference: 'Patient/not-in-this-ehr' } });
    const result = await poller().poll();
    expect(result).toMatchObject({ accepted: 0, rejected: 2 });
    const rows = await intakeRows();
    expect(rows.find((row) => row.ehr_service_request === ehrUrl(`ServiceRequest/${proposal}`))).toEqual({
      ehr_service_request: ehrUrl(`ServiceRequest/${proposal}`),
      outcome: 'rejected',
      reason: 'unknown intent proposal',
    });
    expect(rows.find((row) => row.ehr_service_request === ehrUrl(`ServiceRequest/${noPatient}`))).toEqual({
      ehr_service_request: ehrUrl(`ServiceRequest/${noPatient}`),
      outcome: 'rejected',
      reason: 'no patient: the EHR has no Patient by the subject reference',
    });
    expect((await poller().poll()).rejected).toBe(0);
    expect(await referralsOf(proposal)).toEqual([]);
    expect(await referralsOf(noPatient)).toEqual([]);
  });
});

describe('the read-only copy of referred patients at /fhir/Patient', () => {
  const copyId = (patient: number) => `clinic.${ehrPatientId(patient)}`;

  beforeAll(async () => {
    await poller().poll();
  });

  it('when a referred patient is read, then name, birth date, MRN and preferred language are copied from the EHR', async () => {
    const ehrPatient = (await seeder.read('Patient', ehrPatientId(1))) as Patient;
    const res = await (await peerbridge()).get(`/fhir/Patient/${copyId(1)}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      resourceType: 'Patient',
      id: copyId(1),
      name: ehrPatient.name,
      birthDate: ehrPatient.birthDate,
      identifier: [expect.objectContaining({ system: EHR_MRN_SYSTEM, value: ehrMrn(1) })],
      communication: [{ language: ehrPatient.communication![0]!.language, preferred: true }],
      link: [{ other: { reference: ehrUrl(`Patient/${ehrPatientId(1)}`) }, type: 'seealso' }],
    });
  });

  it('when patients are searched by identifier, name and birthdate, then the copy is found', async () => {
    const ehrPatient = (await seeder.read('Patient', ehrPatientId(2))) as Patient;
    for (const query of [
      { identifier: `${EHR_MRN_SYSTEM}|${ehrMrn(2)}` },
      { name: ehrPatient.name![0]!.family!, birthdate: ehrPatient.birthDate! },
      { _id: copyId(2) },
    ]) {
      const res = await (await peerbridge()).get('/fhir/Patient').query(query);
      expect(res.status).toBe(200);
      // One copy per connection the patient was referred through (the task-mode one made its own).
      const ids = (res.body as Bundle).entry?.map((entry) => entry.resource?.id);
      expect(ids).toContain(copyId(2));
      expect(ids!.every((id) => id!.endsWith(`.${ehrPatientId(2)}`))).toBe(true);
    }
  });

  it('when a patient token reads its own copy and another, then it sees its own only', async () => {
    const own = await (
      await peerbridge('patient/Patient.rs', { patient: copyId(3) })
    ).get(`/fhir/Patient/${copyId(3)}`);
    expect(own.status).toBe(200);
    const other = await (
      await peerbridge('patient/Patient.rs', { patient: copyId(3) })
    ).get(`/fhir/Patient/${copyId(4)}`);
    expect(other.status).toBe(404);
  });

  it('when a clinician launched with a patient searches, then only the launch patient is found; the program sees all', async () => {
    const clinician = await token('user/Patient.rs', {
      fhirUser: 'Practitioner/dr-rivera',
      patient: copyId(4),
    });
    const launched = await fhirClient(t, { Authorization: clinician }).get('/fhir/Patient');
    expect(launched.status).toBe(200);
    expect((launched.body as Bundle).entry?.map((entry) => entry.resource?.id)).toEqual([copyId(4)]);
    const hidden = await fhirClient(t, { Authorization: clinician }).get(`/fhir/Patient/${copyId(1)}`);
    expect(hidden.status).toBe(404);

    const program = await token('user/Patient.rs', { fhirUser: 'Practitioner/coordinator' });
    const all = await fhirClient(t, { Authorization: program }).get('/fhir/Patient').query({ _count: 100 });
    expect(all.status).toBe(200);
    const ids = (all.body as Bundle).entry!.map((entry) => entry.resource!.id);
    expect(ids).toEqual(expect.arrayContaining([1, 2, 3, 4, 5].map(copyId)));
  });

  it('when a copy is written, then the answer is 405 and the copy is unchanged', async () => {
    const before = await (await peerbridge()).get(`/fhir/Patient/${copyId(1)}`);
    const put = await (
      await peerbridge()
    )
      .put(`/fhir/Patient/${copyId(1)}`)
      .send({ ...before.body, birthDate: '1900-01-01' });
    expect(put.status).toBe(405);
    const post = await (await peerbridge()).post('/fhir/Patient').send({ resourceType: 'Patient' });
    expect(post.status).toBe(405);
    const after = await (await peerbridge()).get(`/fhir/Patient/${copyId(1)}`);
    expect(after.body).toEqual(before.body);
  });
});
