import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { processStorage, type ProcessStorage } from '../support/process-storage.js';
import { lastProgress, startReportingProcess, type ReportingProcess } from '../support/reporting-process.js';
import { waitFor } from '../support/wait-for.js';

const EVENTS = 120;

let storage: ProcessStorage;
beforeAll(async () => {
  storage = await processStorage('peerbridge_kill');
});
afterAll(() => storage.drop());

function startLedgerProcess(env: Record<string, string>): ReportingProcess {
  return startReportingProcess('tests/events/support/ledger-process.ts', {
    ...storage.env,
    ...env,
    PORT: '0',
    LOG_LEVEL: 'warn',
    SMART_ISSUERS: 'https://issuer.test',
    EVENT_HEARTBEAT_SECONDS: '10',
    EVENT_RETRY_DELAY_SECONDS: '1',
  });
}

function lastHandled(process: ReportingProcess): number | undefined {
  return lastProgress(process)?.handled as number | undefined;
}

describe('kill -9 with undelivered events', () => {
  it('when the process is killed while delivering and started again, then every event is delivered and each effect happens once', async () => {
    const first = startLedgerProcess({ PRODUCE: String(EVENTS), SLOW_MS: '25' });
    try {
      await waitFor(
        'all events committed and some delivered',
        async () =>
          first.lines.some((line) => line.message === 'produced') && (lastHandled(first) ?? 0) >= 10,
        { timeoutMs: 90_000 },
      );
      first.child.kill('SIGKILL');
      expect(await first.exited).toBeNull();
    } finally {
      first.child.kill('SIGKILL');
    }
    // The kill came with events still undelivered, or the test would prove nothing.
    expect(lastHandled(first)).toBeLessThan(EVENTS);

    const second = startLedgerProcess({});
    try {
      // The relay killed between queueing a batch and marking it published left a claim on it: the
      // restarted relay publishes those rows again once the claim lapses (the heartbeat, 10 s),
      // which may be after their jobs, already queued, have all been handled.
      await waitFor(
        'every event handled and marked published after the restart',
        async () => {
          const progress = lastProgress(second);
          return progress?.handled === EVENTS && progress.unpublished === 0;
        },
        { timeoutMs: 90_000 },
      );
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      second.child.kill('SIGKILL');
    }

    const db = await storage.open();
    try {
      const events = await db.query<{ event_id: string }>('SELECT event_id FROM ledger.event_outbox');
      expect(events).toHaveLength(EVENTS);
      const effects = await db.query<{ event_id: string; runs: number }>(
        "SELECT event_id, count(*)::int AS runs FROM ledger.effect WHERE consumer = 'recorder' GROUP BY event_id",
      );
      expect(effects.map((row) => row.event_id).sort()).toEqual(events.map((row) => row.event_id).sort());
      expect(effects.filter((row) => row.runs !== 1)).toEqual([]);
      const [unpublished] = await db.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM ledger.event_outbox WHERE published_at IS NULL',
      );
      expect(unpublished!.count).toBe(0);
    } finally {
      await db.close();
    }
  }, 240_000);
});
