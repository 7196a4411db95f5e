import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { referralService } from '@peerbridge/referral';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

// A service's scheduled jobs run as pg-boss schedules: the referral service's hourly purge of
// expired Idempotency-Keys is registered when its workers start, and a firing of it (here sent
// by hand rather than waited for) removes expired keys and keeps live ones.

const JOB = 'referral.idempotency-key-purge';
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([referralService], {}, { withEvents: true });
});
afterAll(() => t.close());

describe('scheduled jobs', () => {
  it('when the referral workers start, then the key purge is scheduled hourly in UTC', async () => {
    const schedules = await t.bus!.boss.getSchedules();
    expect(
      schedules.filter((schedule) => schedule.name === JOB).map(({ cron, timezone }) => ({ cron, timezone })),
    ).toEqual([{ cron: '0 * * * *', timezone: 'UTC' }]);
  });

  it('when the purge fires, then expired keys are gone and live ones stay', async () => {
    await t.db.query(
      `INSERT INTO referral.idempotent_request (client_id, idempotency_key, request_hash, result, created_at)
       VALUES ('app', 'expired', 'h', 'r-1', now() - interval '25 hours'), ('app', 'live', 'h', 'r-2', now())`,
    );
    await t.bus!.boss.send(JOB, {});
    const keys = await waitFor('the purge to run', async () => {
      const rows = await t.db.query<{ idempotency_key: string }>(
        'SELECT idempotency_key FROM referral.idempotent_request ORDER BY idempotency_key',
      );
      return rows.length === 1 ? rows.map((row) => row.idempotency_key) : undefined;
    });
    expect(keys).toEqual(['live']);
  });
});
