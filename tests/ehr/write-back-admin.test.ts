import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
  EHR_INTEGRATION_OPENAPI_PATH,
  EhrFhirClient,
  ehrIntegrationService,
  intakePoller,
} from '@peerbridge/ehr-integration';
import { EHR_PROGRAM_ID, ehrPatientId, PEER_SUPPORT_REFERRAL } from '@peerbridge/sandbox';
import { createLogger, createValidator, type Queryable } from '@peerbridge/shared';
import {
  enqueueWriteBack,
  markDead,
  connectionDelivered,
  markDeliveredAndClaimNext,
  markRetry,
  pauseConnection,
} from '../../services/ehr-integration/src/store/write-back-tables.js';
import { expectForbidden } from '../security/expectations.js';
import { contractOf } from '../support/openapi-contract.js';
import { rosterChanged } from '../support/roster-events.js';
import { startListeningTestApp, type ListeningTestApp } from '../support/test-app.js';
import { authHeader, type TokenOptions } from '../support/tokens.js';

// The ehr-integration admin API (issue 13, item 6) through HTTP on the real app, with real tokens.
// Write-back state is made with the write-back store's own functions (the delivery engine's),
// rejected intake by a real poll of the sandbox EHR.

const logger = createLogger({ level: 'error', service: 'test', silent: true });
const key = () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'jwk' });
const { expectContract } = contractOf(EHR_INTEGRATION_OPENAPI_PATH);
const API = '/api/ehr-integration';
const OPERATION_OUTCOME = {
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'invalid', details: { text: 'Unprocessable Entity' } }],
};

let t: ListeningTestApp;

beforeAll(async () => {
  t = await startListeningTestApp([ehrIntegrationService], (baseUrl) => {
    const connection = (id: string, intake: Record<string, unknown>, writeBack: string[] = []) => ({
      id,
      fhirBaseUrl: `${baseUrl}/sandbox/ehr/fhir`,
      tokenEndpoint: `${baseUrl}/sandbox/auth/token`,
      clientId: `peerbridge-${id}`,
      privateKey: key(),
      alg: 'ES384',
      scopes: 'system/Patient.rs system/ServiceRequest.cruds system/Task.cruds',
      intake,
      writeBack,
    });
    return {
      SANDBOX: '1',
      EHR_CONNECTIONS: JSON.stringify([
        connection('clinic', { mode: 'service-request', intervalSeconds: 86_400 }, ['Task', 'Encounter']),
        connection(
          'clinic-tasks',
          { mode: 'task', intervalSeconds: 600, owner: `Organization/${EHR_PROGRAM_ID}` },
          ['Task'],
        ),
        connection('backlog', { mode: 'off' }, ['Encounter']),
        connection('letters', { mode: 'off' }, ['Encounter']),
        connection('seeder', { mode: 'off' }),
      ]),
    };
  });
});
afterAll(() => t.close());

/** A token for this app (its audience is its listening address); `system/*.*` by default. */
const token = (scope = 'system/*.*', options: Omit<TokenOptions, 'scope'> = {}) =>
  authHeader(scope, { ...options, audience: `${t.baseUrl}/fhir` });

/** Calls the admin API as `authorization`, a `system/*.*` administrator unless told otherwise. */
async function call(method: 'get' | 'post', path: string, authorization?: string): Promise<request.Response> {
  const agent = request(t.app);
  return agent[method](`${API}${path}`).set('Authorization', authorization ?? (await token()));
}
const get = (path: string, authorization?: string) => call('get', path, authorization);
const post = (path: string, authorization?: string) => call('post', path, authorization);

/** An Encounter PeerBridge has for the connection's EHR, put in line as write-back puts it. */
async function enqueued(tx: Queryable, connectionId: string, version = 1, withheld = false) {
  const row = { resourceType: 'Encounter', resourceId: randomUUID() };
  await enqueueWriteBack(tx, {
    connectionId,
    ...row,
    version,
    resource: { resourceType: 'Encounter', id: row.resourceId, status: 'finished' } as never,
    referralId: undefined,
    withheld,
  });
  return row;
}

/** A write the EHR refused for good with an OperationOutcome; answers its dead letter's id. */
async function deadLetter(connectionId: string): Promise<{ id: number; resourceId: string }> {
  const row = await t.db.transaction(async (tx) => {
    const made = await enqueued(tx, connectionId, 2);
    await markDead(tx, connectionId, made, 2, 'http-422', OPERATION_OUTCOME);
    return made;
  });
  const listed = await get(`/connections/${connectionId}/write-back/dead-letters`);
  const letter = (listed.body.items as { id: number; resourceId: string }[]).find(
    (item) => item.resourceId === row.resourceId,
  )!;
  return { id: letter.id, resourceId: row.resourceId };
}

const writeBackRow = async (connectionId: string, resourceId: string) =>
  (
    await t.db.query<{ state: string; attempts: number; outcome: unknown; due: boolean }>(
      `SELECT state, attempts, outcome, next_attempt_at <= now() AS due FROM ehr_integration.write_back
       WHERE connection_id = $1 AND resource_id = $2`,
      [connectionId, resourceId],
    )
  )[0];

describe('connections', () => {
  it('when a system token lists connections, then each is shown with its EHR, intake and write-back types, never a key', async () => {
    const res = await get('/connections');
    expect(res.status).toBe(200);
    expectContract(res, 'listConnections');
    const ehr = `${t.baseUrl}/sandbox/ehr/fhir`;
    expect(res.body.items).toEqual([
      {
        id: 'clinic',
        fhirBaseUrl: ehr,
        intake: { mode: 'service-request', intervalSeconds: 86_400 },
        writeBack: ['Task', 'Encounter'],
      },
      {
        id: 'clinic-tasks',
        fhirBaseUrl: ehr,
        intake: { mode: 'task', intervalSeconds: 600, owner: `Organization/${EHR_PROGRAM_ID}` },
        writeBack: ['Task'],
      },
      {
        id: 'backlog',
        fhirBaseUrl: ehr,
        intake: { mode: 'off', intervalSeconds: 60 },
        writeBack: ['Encounter'],
      },
      {
        id: 'letters',
        fhirBaseUrl: ehr,
        intake: { mode: 'off', intervalSeconds: 60 },
        writeBack: ['Encounter'],
      },
      { id: 'seeder', fhirBaseUrl: ehr, intake: { mode: 'off', intervalSeconds: 60 }, writeBack: [] },
    ]);
    expect(res.text).not.toMatch(/privateKey|"d":|peerbridge-clinic|BEGIN/);
  });
});

describe('connection status', () => {
  it('when a connection has done nothing yet, then its source is unpolled and its write-back empty', async () => {
    const res = await get('/connections/clinic-tasks/status');
    expect(res.status).toBe(200);
    expectContract(res, 'getConnectionStatus');
    expect(res.body).toEqual({
      connectionId: 'clinic-tasks',
      intake: { mode: 'task', sources: [{ source: 'task', cursor: null, polledAt: null }] },
      writeBack: {
        backlog: { pending: 0, withheld: 0, delivered: 0, dead: 0 },
        oldestPendingSince: null,
        oldestPendingAgeSeconds: null,
        pausedUntil: null,
        consecutiveFailures: 0,
        lastFailure: null,
        lastFailureAt: null,
        lastDeliveryAt: null,
      },
    });
  });

  it('when writes are pending, withheld, delivered and dead and the EHR is failing, then the status counts each and shows the pause', async () => {
    const pausedUntil = new Date(Date.now() + 10 * 60_000);
    await t.db.transaction(async (tx) => {
      await enqueued(tx, 'backlog');
      const retried = await enqueued(tx, 'backlog');
      await markRetry(tx, 'backlog', retried, new Date(Date.now() + 60_000), 'http-503');
      await enqueued(tx, 'backlog', 1, true);
      const delivered = await enqueued(tx, 'backlog');
      await markDeliveredAndClaimNext(
        tx,
        'backlog',
        delivered,
        1,
        'https://ehr.example/fhir/Encounter/1',
        60,
      );
      await connectionDelivered(tx, 'backlog');
      const refused = await enqueued(tx, 'backlog');
      await markDead(tx, 'backlog', refused, 1, 'http-422', OPERATION_OUTCOME);
      await pauseConnection(tx, 'backlog', pausedUntil, 'timeout');
      await pauseConnection(tx, 'backlog', pausedUntil, 'http-503');
    });

    const res = await get('/connections/backlog/status');
    expect(res.status).toBe(200);
    expectContract(res, 'getConnectionStatus');
    expect(res.body).toEqual({
      connectionId: 'backlog',
      intake: { mode: 'off', sources: [] },
      writeBack: {
        backlog: { pending: 2, withheld: 1, delivered: 1, dead: 1 },
        oldestPendingSince: expect.any(String),
        oldestPendingAgeSeconds: expect.any(Number),
        pausedUntil: pausedUntil.toISOString(),
        consecutiveFailures: 2,
        lastFailure: 'http-503',
        lastFailureAt: expect.any(String),
        lastDeliveryAt: expect.any(String),
      },
    });
    expect(res.body.writeBack.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(res.body.writeBack.oldestPendingAgeSeconds).toBeLessThan(60);
  });

  it('when the pause has run out, then the status shows no pause but keeps the failures', async () => {
    await pauseConnection(t.db, 'backlog', new Date(Date.now() - 1000), 'http-500');
    const res = await get('/connections/backlog/status');
    expect(res.body.writeBack).toMatchObject({
      pausedUntil: null,
      consecutiveFailures: 3,
      lastFailure: 'http-500',
    });
  });
});

describe('write-back dead letters', () => {
  it("when the EHR refused a write for good, then its dead letter shows the version, the error and the EHR's OperationOutcome", async () => {
    const { id, resourceId } = await deadLetter('letters');
    const res = await get('/connections/letters/write-back/dead-letters');
    expect(res.status).toBe(200);
    expectContract(res, 'listWriteBackDeadLetters');
    expect(res.body.items).toContainEqual({
      id,
      resourceType: 'Encounter',
      resourceId,
      version: 2,
      attempts: 1,
      lastError: 'http-422',
      outcome: OPERATION_OUTCOME,
      deadLetteredAt: expect.any(String),
    });
    // Pending, delivered and other connections' rows are no dead letters of this one.
    const backlog = await get('/connections/backlog/write-back/dead-letters');
    expect(backlog.body.items.map((item: { id: number }) => item.id)).not.toContain(id);
  });

  it('when a dead letter is replayed, then it is pending again, due now, with no attempts and no outcome; a second replay is 404', async () => {
    const { id, resourceId } = await deadLetter('letters');
    const res = await post(`/connections/letters/write-back/dead-letters/${id}/replay`);
    expect(res.status).toBe(200);
    expectContract(res, 'replayWriteBackDeadLetter');
    expect(res.body).toEqual({
      id,
      resourceType: 'Encounter',
      resourceId,
      version: 2,
      state: 'pending',
      attempts: 0,
      nextAttemptAt: expect.any(String),
    });
    expect(await writeBackRow('letters', resourceId)).toEqual({
      state: 'pending',
      attempts: 0,
      outcome: null,
      due: true,
    });
    const listed = await get('/connections/letters/write-back/dead-letters');
    expect(listed.body.items.map((item: { id: number }) => item.id)).not.toContain(id);

    const again = await post(`/connections/letters/write-back/dead-letters/${id}/replay`);
    expect(again.status).toBe(404);
    expectContract(again, 'replayWriteBackDeadLetter');
    expect(again.body.issue[0]).toMatchObject({ code: 'not-found', expression: ['deadLetterId'] });
  });

  it('when a dead letter is replayed through another connection, then 404 and it stays dead', async () => {
    const { id, resourceId } = await deadLetter('letters');
    const res = await post(`/connections/backlog/write-back/dead-letters/${id}/replay`);
    expect(res.status).toBe(404);
    expect(res.body.issue[0].expression).toEqual(['deadLetterId']);
    expect((await writeBackRow('letters', resourceId))!.state).toBe('dead');
  });

  it('when every dead letter of a connection is replayed, then all are pending and a second replay finds none', async () => {
    const letters = [await deadLetter('letters'), await deadLetter('letters')];
    const before = await get('/connections/letters/write-back/dead-letters');
    const res = await post('/connections/letters/write-back/dead-letters/replay');
    expect(res.status).toBe(200);
    expectContract(res, 'replayAllWriteBackDeadLetters');
    expect(res.body).toEqual({ replayed: before.body.items.length });
    for (const letter of letters) {
      expect((await writeBackRow('letters', letter.resourceId))!.state).toBe('pending');
    }
    expect((await get('/connections/letters/write-back/dead-letters')).body).toEqual({ items: [] });
    expect((await post('/connections/letters/write-back/dead-letters/replay')).body).toEqual({ replayed: 0 });
  });

  it('when the limit is given, then at most that many dead letters are listed, oldest first', async () => {
    const first = await deadLetter('letters');
    await deadLetter('letters');
    const res = await get('/connections/letters/write-back/dead-letters?limit=1');
    expect(res.status).toBe(200);
    expect(res.body.items.map((item: { id: number }) => item.id)).toEqual([first.id]);
  });
});

describe('rejected intake', () => {
  it('when a poll meets EHR referrals it cannot map, then each is listed with its reason and the status shows the cursor', async () => {
    const seeder = new EhrFhirClient(
      t.config.ehrConnections.find(({ id }) => id === 'seeder')!,
      logger,
    );
    const ehrReferral = async (changes: Record<string, unknown>) =>
      (
        await seeder.create({
          resourceType: 'ServiceRequest',
          status: 'active',
          intent: 'order',
          code: { coding: [{ ...PEER_SUPPORT_REFERRAL }] },
          subject: { reference: `Patient/${ehrPatientId(2)}` },
          requester: { reference: 'Practitioner/dr-rivera' },
          performer: [{ reference: `Organization/${EHR_PROGRAM_ID}` }],
          authoredOn: new Date().toISOString(),
          ...changes,
        })
      ).id as string;
    const proposal = await ehrReferral({ intent: 'proposal' });
    const noPatient = await ehrReferral({ subject: { reference: 'Patient/not-in-this-ehr' } });
    const clinic = t.config.ehrConnections.find(({ id }) => id === 'clinic')!;
    const context = { config: t.config, db: t.db, logger, validator: createValidator() };
    expect(await intakePoller(context, clinic).poll()).toMatchObject({ rejected: 2 });

    const res = await get('/connections/clinic/rejected-intake');
    expect(res.status).toBe(200);
    expectContract(res, 'listRejectedIntake');
    const url = (id: string) => `${clinic.fhirBaseUrl}/ServiceRequest/${id}`;
    expect(res.body.items).toHaveLength(2);
    expect(res.body.items).toEqual(
      expect.arrayContaining([
        {
          ehrServiceRequest: url(proposal),
          reason: 'unknown intent proposal',
          receivedAt: expect.any(String),
        },
        {
          ehrServiceRequest: url(noPatient),
          reason: 'no patient: the EHR has no Patient by the subject reference',
          receivedAt: expect.any(String),
        },
      ]),
    );

    const status = await get('/connections/clinic/status');
    expect(status.body.intake).toEqual({
      mode: 'service-request',
      sources: [{ source: 'service-request', cursor: expect.any(String), polledAt: expect.any(String) }],
    });
    expect((await get('/connections/clinic-tasks/rejected-intake')).body).toEqual({ items: [] });
  });
});

describe('who may call it', () => {
  it("when an active coordinator's user/*.rs token reads a status, then 200", async () => {
    await rosterChanged(t.db, ehrIntegrationService.schema, 'coordinator-1');
    const coordinator = await token('user/*.rs', { fhirUser: 'Practitioner/coordinator-1' });
    const res = await get('/connections/clinic/status', coordinator);
    expect(res.status).toBe(200);
  });

  it.each([
    ['a clinician (not on the roster)', 'dr-lee', { version: 1 }, false],
    ['a coordinator since deactivated', 'coordinator-2', { version: 2, active: false }, true],
  ])(
    'when %s calls it with a user/*.cruds token, then 403 forbidden and nothing is replayed',
    async (_who, practitionerId, role, wasCoordinator) => {
      if (wasCoordinator) {
        await rosterChanged(t.db, ehrIntegrationService.schema, practitionerId);
        await rosterChanged(t.db, ehrIntegrationService.schema, practitionerId, role);
      }
      const { id, resourceId } = await deadLetter('letters');
      const authorization = await token('user/*.cruds', { fhirUser: `Practitioner/${practitionerId}` });
      for (const res of [
        await get('/connections', authorization),
        await get('/connections/letters/status', authorization),
        await get('/connections/letters/write-back/dead-letters', authorization),
        await post(`/connections/letters/write-back/dead-letters/${id}/replay`, authorization),
        await post('/connections/letters/write-back/dead-letters/replay', authorization),
      ]) {
        expect(res.status).toBe(403);
        expect(res.body.issue[0].code).toBe('forbidden');
        // The scopes were enough: no other scope would help, so no insufficient_scope challenge.
        expect(res.headers['www-authenticate']).toBeUndefined();
      }
      expect((await writeBackRow('letters', resourceId))!.state).toBe('dead');
    },
  );

  it.each([
    [
      'a clinician',
      () => token('user/ServiceRequest.cruds user/Patient.rs', { fhirUser: 'Practitioner/dr-lee' }),
    ],
    [
      'a peer supporter',
      () =>
        token('user/Encounter.cruds user/Appointment.cruds user/CareTeam.rs', {
          fhirUser: 'Practitioner/ps-1',
        }),
    ],
    ['a patient', () => token('patient/*.cruds', { patient: '123' })],
  ])('when %s calls it, then 403 insufficient scope and nothing is replayed', async (_who, header) => {
    const { id, resourceId } = await deadLetter('letters');
    const authorization = await header();
    expectForbidden(await get('/connections', authorization));
    expectForbidden(await get('/connections/letters/status', authorization));
    expectForbidden(await post(`/connections/letters/write-back/dead-letters/${id}/replay`, authorization));
    expectForbidden(await post('/connections/letters/write-back/dead-letters/replay', authorization));
    expect((await writeBackRow('letters', resourceId))!.state).toBe('dead');
  });

  it('when a read-only administrator replays, then 403 and the dead letter stays', async () => {
    const { id, resourceId } = await deadLetter('letters');
    const readOnly = await token('system/*.rs');
    expect((await get('/connections/letters/status', readOnly)).status).toBe(200);
    expectForbidden(await post(`/connections/letters/write-back/dead-letters/${id}/replay`, readOnly));
    expect((await writeBackRow('letters', resourceId))!.state).toBe('dead');
  });

  it('when it is called without a token, then 401 with a Bearer challenge', async () => {
    const res = await request(t.app).get(`${API}/connections`);
    expect(res.status).toBe(401);
    expectContract(res, 'listConnections');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
  });
});

describe('the contract', () => {
  it('when the contract and its docs are fetched without a token, then both are served and name the deployment', async () => {
    const document = await request(t.app).get(`${API}/openapi.json`);
    expect(document.status).toBe(200);
    expect(document.body.servers).toEqual([{ url: API }]);
    expect(document.body.components.securitySchemes.smart.openIdConnectUrl).toBe(
      `${t.baseUrl}/fhir/.well-known/smart-configuration`,
    );
    expect((await request(t.app).get(`${API}/docs/`)).status).toBe(200);
  });
});

describe('bad requests', () => {
  it.each([
    ['get', '/connections/elsewhere/status', 'getConnectionStatus'],
    ['get', '/connections/elsewhere/write-back/dead-letters', 'listWriteBackDeadLetters'],
    ['post', '/connections/elsewhere/write-back/dead-letters/1/replay', 'replayWriteBackDeadLetter'],
    ['post', '/connections/elsewhere/write-back/dead-letters/replay', 'replayAllWriteBackDeadLetters'],
    ['get', '/connections/elsewhere/rejected-intake', 'listRejectedIntake'],
  ] as const)(
    'when %s %s names no connection, then 404 names connectionId',
    async (method, path, operationId) => {
      const res = await call(method, path);
      expect(res.status).toBe(404);
      expectContract(res, operationId);
      expect(res.body.issue[0]).toMatchObject({ code: 'not-found', expression: ['connectionId'] });
    },
  );

  it.each([
    ['/connections/letters/write-back/dead-letters?limit=0', 'limit'],
    ['/connections/letters/rejected-intake?limit=1001', 'limit'],
    ['/connections/letters/rejected-intake?since=yesterday', 'since'],
    ['/connections/-letters/status', 'connectionId'],
  ])('when %s is asked for, then 400 names %s', async (path, expression) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual([expression]);
  });

  it('when the dead letter id is not a number, then 400 names deadLetterId', async () => {
    const res = await post('/connections/letters/write-back/dead-letters/not-a-number/replay');
    expect(res.status).toBe(400);
    expectContract(res, 'replayWriteBackDeadLetter');
    expect(res.body.issue[0].expression).toEqual(['deadLetterId']);
  });
});
