import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { OperationOutcome, Task } from '@medplum/fhirtypes';
import { EhrFhirClient, writeBackDeliverer, type DeliveryResult } from '@peerbridge/ehr-integration';
import type { EhrFault } from '@peerbridge/sandbox';
import { fhirClient, type ListeningTestApp } from '../support/test-app.js';
import { eventsSettled } from '../support/events-settled.js';
import { waitFor } from '../support/wait-for.js';
import { clearEhrFault, setEhrFault } from './sandbox-ehr-access.js';
import {
  ALL_SCHEMAS,
  connection,
  connectionTo,
  context,
  ehrReferral,
  inEhr,
  logger,
  startWriteBackApp,
  takeIn,
  writeBackRows,
} from './support/write-back-program.js';

// Write-back riding out a failing EHR (issue 13, items 6 and 7), against the real sandbox EHR
// made to fail on purpose through its fault control. Each test puts referral status changes in
// line for the `clinic` connection, makes the EHR fail, and checks that every write arrives
// once the EHR is back, none twice (counted in the EHR by identifier).

/** The timeout of the deliverer the timeout test makes; the others keep the default 10 s. */
const SHORT_TIMEOUT_MS = 1000;

let t: ListeningTestApp;
beforeAll(async () => {
  t = await startWriteBackApp(
    (baseUrl) => [
      connectionTo(baseUrl, {
        id: 'clinic',
        clientId: 'peerbridge-clinic',
        intake: { mode: 'service-request', intervalSeconds: 86_400 },
        writeBack: ['Task'],
      }),
      connectionTo(baseUrl, {
        id: 'read-only',
        clientId: 'peerbridge-read-only',
        // Intake's scopes only: the EHR refuses every write-back with 403.
        scopes: 'system/Patient.rs system/ServiceRequest.rs system/Task.rs',
        intake: { mode: 'service-request', intervalSeconds: 86_400 },
        writeBack: ['Task'],
      }),
    ],
    { WRITE_BACK_RETRY_DELAY_MS: '20', WRITE_BACK_RETRY_DELAY_MAX_MS: '200' },
  );
});
afterEach(() => clearEhrFault(t.baseUrl));
afterAll(() => t.close());

/** `count` EHR referrals taken in through `connectionId` (the EHR up); their PeerBridge ids. */
async function takenIn(count: number, connectionId = 'clinic'): Promise<string[]> {
  const ids: string[] = [];
  for (let patient = 1; patient <= count; patient += 1) {
    ids.push((await takeIn(t, connectionId, await ehrReferral(t, patient))).id!);
  }
  await drain(connectionId);
  return ids;
}

/** Each referral accepted in PeerBridge: a change of its Task to write back. */
async function accept(referralIds: readonly string[]): Promise<void> {
  for (const id of referralIds) {
    const res = await fhirClient(t).post(`/api/referral/referrals/${id}/status`).send({ status: 'accepted' });
    expect(res.status).toBe(200);
  }
  await eventsSettled(t.db, ALL_SCHEMAS);
}

/** One delivery run, as the connection's worker makes it. */
function deliverOnce(connectionId = 'clinic'): Promise<DeliveryResult> {
  return writeBackDeliverer(context(t), connection(t, connectionId)).deliver();
}

/** Delivers (again and again, as the worker would) until no write of the connection is due. */
async function drain(connectionId = 'clinic'): Promise<void> {
  await eventsSettled(t.db, ALL_SCHEMAS);
  await waitFor('every write-back delivered', async () => {
    await deliverOnce(connectionId);
    const [row] = await t.db.query<{ left: number }>(
      `SELECT count(*)::int AS left FROM ehr_integration.write_back WHERE connection_id = $1 AND state = 'pending'`,
      [connectionId],
    );
    return row!.left === 0;
  });
}

async function tasksOf(referralIds: readonly string[]): Promise<string[]> {
  const references: string[] = [];
  for (const id of referralIds) {
    const res = await fhirClient(t)
      .get('/fhir/Task')
      .query({ focus: `ServiceRequest/${id}` });
    references.push(`Task/${(res.body.entry[0].resource as Task).id}`);
  }
  return references;
}

/** Every referral's Task is in the EHR exactly once, accepted. */
async function expectEachInEhrOnce(referralIds: readonly string[]): Promise<void> {
  for (const task of await tasksOf(referralIds)) {
    const written = await inEhr<Task>(t, 'Task', task);
    expect(written).toHaveLength(1);
    expect(written[0]!.status).toBe('accepted');
  }
}

/** How many requests the fault in force (or the last one, until cleared) has failed. */
async function failedByFault(): Promise<number> {
  const res = await fetch(`${t.baseUrl}/sandbox/ehr/_faults`);
  return ((await res.json()) as { failed: number }).failed;
}

async function underFault(fault: Omit<EhrFault, 'target'> & { target?: EhrFault['target'] }): Promise<void> {
  await setEhrFault(t.baseUrl, { target: 'fhir', ...fault });
}

describe('write-back when the EHR refuses for good', () => {
  it("when the EHR answers a write with a FHIR 403, then it becomes a dead letter with the EHR's OperationOutcome, is not retried, and the connection is not paused", async () => {
    const [referral] = await takenIn(1, 'read-only');
    await accept([referral!]);
    const result = await deliverOnce('read-only');
    expect(result).toEqual({ delivered: 0, dead: 1 });
    const [task] = await tasksOf([referral!]);
    const row = (await writeBackRows(t, 'read-only')).get(task!)!;
    expect(row.state).toBe('dead');
    expect(row.attempts).toBe(1);
    expect(row.last_error).toBe('update: HTTP 403');
    expect((row.outcome as OperationOutcome).resourceType).toBe('OperationOutcome');
    expect((row.outcome as OperationOutcome).issue[0]!.code).toBe('forbidden');
    expect(await deliverOnce('read-only')).toEqual({ delivered: 0, dead: 0 });
  });
});

describe('write-back riding out a failing EHR', () => {
  it.each([
    ['unreachable (connections dropped unanswered)', { kind: 'drop' as const }, 'update: no answer'],
    ['down (503)', { kind: 503 as const, retryAfterSeconds: 0 }, 'update: HTTP 503'],
  ])(
    'when the EHR is %s for a stretch under a stream of changes, then delivery pauses and, once it is back, every write arrives once',
    async (_what, fault, failure) => {
      const referrals = await takenIn(4);
      await underFault(fault);
      for (const referral of referrals) {
        await accept([referral]);
        const result = await deliverOnce();
        expect(result.delivered).toBe(0);
      }
      const rows = await writeBackRows(t, 'clinic');
      const tasks = await tasksOf(referrals);
      expect(tasks.map((task) => rows.get(task)!.state)).toEqual([
        'pending',
        'pending',
        'pending',
        'pending',
      ]);
      const [status] = await t.db.query<{ consecutive_failures: number; last_failure: string }>(
        `SELECT consecutive_failures, last_failure FROM ehr_integration.write_back_connection WHERE connection_id = 'clinic'`,
      );
      expect(status!.last_failure).toBe(failure);
      expect(status!.consecutive_failures).toBeGreaterThanOrEqual(1);
      await clearEhrFault(t.baseUrl);
      await drain();
      await expectEachInEhrOnce(referrals);
      const [after] = await t.db.query<{ consecutive_failures: number; paused_until: Date | null }>(
        `SELECT consecutive_failures, paused_until FROM ehr_integration.write_back_connection
         WHERE connection_id = 'clinic'`,
      );
      expect(after).toEqual({ consecutive_failures: 0, paused_until: null });
    },
  );

  it('when the EHR throttles with 429 and Retry-After, then delivery pauses at least that long, and the writes arrive after it', async () => {
    const referrals = await takenIn(2);
    await underFault({ kind: 429, retryAfterSeconds: 2, count: 1 });
    await accept(referrals);
    const before = Date.now();
    const result = await deliverOnce();
    expect(result.delivered).toBe(0);
    expect(result.pausedUntil!.getTime() - before).toBeGreaterThanOrEqual(2000);
    // Paused: a run before the time comes sends nothing, though the EHR would answer.
    expect(await deliverOnce()).toEqual({ delivered: 0, dead: 0, pausedUntil: result.pausedUntil });
    await drain();
    await expectEachInEhrOnce(referrals);
  });

  it('when the EHR answers a burst of 500s, then each is retried with backoff and every write arrives once', async () => {
    const referrals = await takenIn(3);
    await underFault({ kind: 500, count: 3 });
    await accept(referrals);
    await drain();
    expect(await failedByFault()).toBe(3);
    await expectEachInEhrOnce(referrals);
    const [row] = await t.db.query<{ failed: number }>(
      `SELECT count(*)::int AS failed FROM ehr_integration.write_back
       WHERE connection_id = 'clinic' AND last_error IS NOT NULL`,
    );
    expect(row!.failed).toBe(0);
  });

  it('when EHR requests time out, then they count as failures to retry and the writes arrive once the EHR answers', async () => {
    const referrals = await takenIn(2);
    await accept(referrals);
    const impatient = { ...connection(t, 'clinic'), requestTimeoutMs: SHORT_TIMEOUT_MS };
    const client = new EhrFhirClient(impatient, logger);
    await client.tokens.get();
    await underFault({ kind: 'hang', hangMs: SHORT_TIMEOUT_MS * 3, count: 1 });
    const result = await writeBackDeliverer(context(t), impatient, client).deliver();
    expect(result.delivered).toBe(0);
    expect(await failedByFault()).toBe(1);
    const [status] = await t.db.query<{ last_failure: string }>(
      `SELECT last_failure FROM ehr_integration.write_back_connection WHERE connection_id = 'clinic'`,
    );
    expect(status!.last_failure).toBe('update: no answer');
    await drain();
    await expectEachInEhrOnce(referrals);
  });

  it('when the EHR answers with an HTML error page or truncated JSON, then it is a failure to retry, never a success', async () => {
    const referrals = await takenIn(1);
    await accept(referrals);
    const [task] = await tasksOf(referrals);
    for (const kind of ['truncated', 'html'] as const) {
      await waitFor('the pause to end', async () => {
        const [row] = await t.db.query<{ paused: boolean }>(
          `SELECT coalesce(paused_until > now(), false) AS paused FROM ehr_integration.write_back_connection
           WHERE connection_id = 'clinic'`,
        );
        return row?.paused === false;
      });
      await underFault({ kind, count: 1 });
      expect((await deliverOnce()).delivered).toBe(0);
      expect(await failedByFault()).toBe(1);
      const row = (await writeBackRows(t, 'clinic')).get(task!)!;
      expect(row.state).toBe('pending');
    }
    await drain();
    await expectEachInEhrOnce(referrals);
  });

  it('when the token endpoint is down, then delivery pauses and resumes once it answers', async () => {
    const referrals = await takenIn(2);
    await accept(referrals);
    await underFault({ kind: 503, target: 'token', retryAfterSeconds: 0, count: 2 });
    const result = await deliverOnce();
    expect(result.delivered).toBe(0);
    expect(result.pausedUntil).toBeInstanceOf(Date);
    expect(await failedByFault()).toBeGreaterThanOrEqual(1);
    await drain();
    await expectEachInEhrOnce(referrals);
  });

  it('when the EHR stops taking the access token mid-stream (401), then a new token is fetched once and the stream goes on unpaused', async () => {
    const referrals = await takenIn(3);
    await accept(referrals);
    const client = new EhrFhirClient(connection(t, 'clinic'), logger);
    const deliverer = writeBackDeliverer(context(t), connection(t, 'clinic'), client);
    await underFault({ kind: 401, count: 1 });
    const result = await deliverer.deliver();
    expect(await failedByFault()).toBe(1);
    expect(result).toEqual({ delivered: 3, dead: 0 });
    await expectEachInEhrOnce(referrals);
  });
});
