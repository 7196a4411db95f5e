import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EventConsumer } from '@peerbridge/shared';
import request from 'supertest';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';
import { rosterChanged } from '../support/roster-events.js';
import { authHeader, patientAuthHeader } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { commitEvents } from './support/ledger-events.js';
import { effectCounts, LEDGER_SCHEMA, ledgerService, recordEffect } from './support/ledger-service.js';

const MAX_ATTEMPTS = 3;
const PEER_SPECIALIST = { system: 'http://nucc.org/provider-taxonomy', code: '175T00000X' };

/** Fails the first `failures` attempts at each event, then records its effect. */
function failingFirst(name: string, type: string, failures: () => number): EventConsumer {
  return {
    name,
    eventTypes: [type],
    async handle(tx, event, delivery) {
      attempts.set(event.id, delivery.attempt);
      if (delivery.attempt <= failures()) {
        throw new Error('downstream unavailable');
      }
      await recordEffect(tx, name, event);
    },
  };
}

const attempts = new Map<string, number>();
/** The broken consumer fails every attempt until the test "deploys the fix". */
let brokenFixed = false;
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp(
    [
      ledgerService([
        failingFirst('flaky', 'ledger.flaky-posted', () => 2),
        failingFirst('broken', 'ledger.broken-posted', () => (brokenFixed ? 0 : Number.MAX_SAFE_INTEGER)),
        failingFirst('doomed', 'ledger.doomed-posted', () => Number.MAX_SAFE_INTEGER),
      ]),
    ],
    {
      EVENT_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      EVENT_RETRY_DELAY_SECONDS: '1',
      EVENT_RELAY_INTERVAL_MS: '20',
    },
    { withEvents: true },
  );
});
afterAll(() => t.close());

/** A `system/*.*` caller: an administrator. */
const admin = () => fhirClient(t);

interface DeadLetterBody {
  id: string;
  consumer: string;
  event: { id: string; type: string; aggregate: { type: string; id: string } };
  attempts: number;
}

/** The dead letter an event becomes, once every attempt at it has failed. */
function deadLetterOf(eventId: string): Promise<DeadLetterBody> {
  return waitFor(
    'the dead letter',
    async () => {
      const res = await admin().get('/api/events/dead-letters');
      return (res.body.items as DeadLetterBody[]).find((item) => item.event.id === eventId);
    },
    { timeoutMs: 45_000 },
  );
}

describe('retries and dead letters', () => {
  it('when a consumer throws twice, then the event is retried and its effect happens once on the third attempt', async () => {
    const [event] = await commitEvents(t.db, 1, { type: 'ledger.flaky-posted' });
    await waitFor('the third attempt', async () => (await effectCounts(t.db, 'flaky')).get(event!.id) === 1, {
      timeoutMs: 45_000,
    });
    expect(attempts.get(event!.id)).toBe(3);
  });

  it('when a consumer always throws, then after EVENT_MAX_ATTEMPTS the event is a dead letter, and once fixed a replay delivers it once', async () => {
    const [event] = await commitEvents(t.db, 1, { type: 'ledger.broken-posted', aggregate: 'acct-dl' });
    const letter = await deadLetterOf(event!.id);
    expect(letter).toEqual({
      id: expect.any(String),
      consumer: 'ledger.broken',
      event: { id: event!.id, type: 'ledger.broken-posted', aggregate: { type: 'account', id: 'acct-dl' } },
      attempts: MAX_ATTEMPTS,
      deadLetteredAt: expect.any(String),
    });
    expect(attempts.get(event!.id)).toBe(MAX_ATTEMPTS);
    expect((await effectCounts(t.db, 'broken')).has(event!.id)).toBe(false);

    brokenFixed = true;
    const replay = await admin().post(`/api/events/dead-letters/${letter.id}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ deadLetter: letter, jobId: expect.any(String) });
    await waitFor(
      'the replayed event',
      async () => (await effectCounts(t.db, 'broken')).get(event!.id) === 1,
    );

    const listed = await admin().get('/api/events/dead-letters');
    expect((listed.body.items as DeadLetterBody[]).map((item) => item.id)).not.toContain(letter.id);
    const again = await admin().post(`/api/events/dead-letters/${letter.id}/replay`);
    expect(again.status).toBe(409);
    expect(again.body.issue[0].code).toBe('conflict');
    expect((await effectCounts(t.db, 'broken')).get(event!.id)).toBe(1);
  });

  it('when an unknown dead letter is replayed, then 404 and nothing is sent', async () => {
    const before = await t.db.query<{ count: number }>('SELECT count(*)::int AS count FROM pgboss.job');
    const res = await admin().post('/api/events/dead-letters/7d1c3c55-7a43-4bde-9a43-0e2f4f0d5a11/replay');
    expect(res.status).toBe(404);
    expect(res.body.issue[0].code).toBe('not-found');
    expect(await t.db.query('SELECT count(*)::int AS count FROM pgboss.job')).toEqual(before);
  });

  it('when the dead letter id is not a UUID, then 400 names deadLetterId', async () => {
    const res = await admin().post('/api/events/dead-letters/not-a-uuid/replay');
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['deadLetterId']);
  });

  it('when the limit is out of range, then 400 names limit', async () => {
    const res = await admin().get('/api/events/dead-letters?limit=0');
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['limit']);
  });

  it.each([
    ['a patient-level token asks for a replay', () => patientAuthHeader('123')],
    [
      'a token limited to some resource types',
      () => authHeader('system/ServiceRequest.cruds system/Task.cruds'),
    ],
    ['a read-only administrator token asks for a replay', () => authHeader('system/*.rs')],
  ])('when %s, then 403 insufficient scope', async (_name, header) => {
    const authorization = await header();
    const replay = await request(t.app)
      .post('/api/events/dead-letters/7d1c3c55-7a43-4bde-9a43-0e2f4f0d5a11/replay')
      .set('Authorization', authorization);
    expect(replay.status).toBe(403);
    expect(replay.body.issue[0].code).toBe('forbidden');
  });

  it('when a patient-level token lists dead letters, then 403', async () => {
    const res = await request(t.app)
      .get('/api/events/dead-letters')
      .set('Authorization', await patientAuthHeader('123'));
    expect(res.status).toBe(403);
  });

  it("when an active coordinator's user/*.rs token lists dead letters, then 200", async () => {
    await rosterChanged(t.db, LEDGER_SCHEMA, 'coordinator-1');
    const res = await request(t.app)
      .get('/api/events/dead-letters')
      .set('Authorization', await authHeader('user/*.rs', { fhirUser: 'Practitioner/coordinator-1' }));
    expect(res.status).toBe(200);
  });

  it.each([
    ['a clinician (not on the roster)', 'dr-lee', undefined],
    ['a peer supporter', 'peer-supporter-1', PEER_SPECIALIST],
  ])(
    'when %s with a user/*.cruds token lists or replays dead letters, then 403 forbidden and nothing is replayed',
    async (_who, practitionerId, code) => {
      if (code) {
        await rosterChanged(t.db, LEDGER_SCHEMA, practitionerId, { code });
      }
      const [event] = await commitEvents(t.db, 1, { type: 'ledger.doomed-posted' });
      const letter = await deadLetterOf(event!.id);
      const authorization = await authHeader('user/*.cruds', { fhirUser: `Practitioner/${practitionerId}` });
      const list = await request(t.app).get('/api/events/dead-letters').set('Authorization', authorization);
      const replay = await request(t.app)
        .post(`/api/events/dead-letters/${letter.id}/replay`)
        .set('Authorization', authorization);
      for (const res of [list, replay]) {
        expect(res.status).toBe(403);
        expect(res.body.issue[0].code).toBe('forbidden');
        // The scopes were enough: no other scope would help, so no insufficient_scope challenge.
        expect(res.headers['www-authenticate']).toBeUndefined();
      }
      const stillDead = (await admin().get('/api/events/dead-letters')).body.items as DeadLetterBody[];
      expect(stillDead.map((item) => item.id)).toContain(letter.id);
      expect(attempts.get(event!.id)).toBe(MAX_ATTEMPTS);
    },
  );

  it('when the admin API is called without a token, then 401 with a Bearer challenge', async () => {
    const res = await request(t.app).get('/api/events/dead-letters');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
  });

  it('when the contract is fetched, then every operation documents 401 and 403', async () => {
    const res = await request(t.app).get('/api/events/openapi.json');
    expect(res.status).toBe(200);
    const operations = Object.values(res.body.paths as Record<string, Record<string, unknown>>).flatMap(
      (path) =>
        Object.entries(path)
          .filter(([method]) => ['get', 'post'].includes(method))
          .map(([, operation]) => operation as { responses: Record<string, unknown> }),
    );
    expect(operations).toHaveLength(2);
    for (const operation of operations) {
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403']));
    }
  });
});
