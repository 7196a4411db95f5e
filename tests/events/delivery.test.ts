import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  appendEvent,
  consumerQueue,
  newEvent,
  type DomainEvent,
  type EventConsumer,
} from '@peerbridge/shared';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';
import { capturedLogger } from '../support/captured-logs.js';
import { commitEvents, resourceAt } from './support/ledger-events.js';
import {
  effectCounts,
  ledgerService,
  LEDGER_EVENT,
  LEDGER_SCHEMA,
  recordEffect,
  recorder,
} from './support/ledger-service.js';

/** Keeps the newest status of each resource, guarded by version: a stale event changes nothing. */
const projector: EventConsumer = {
  name: 'projector',
  eventTypes: ['ledger.status-set'],
  async handle(tx, event, delivery) {
    for (const [i, change] of event.changes.entries()) {
      if (await delivery.isNewer(change)) {
        const status = (event.resources?.[i] as { status?: string } | undefined)?.status ?? 'unknown';
        await tx.query(
          `INSERT INTO ledger.projection (reference, version_id, status) VALUES ($1, $2, $3)
           ON CONFLICT (reference) DO UPDATE SET version_id = EXCLUDED.version_id, status = EXCLUDED.status`,
          [change.reference, Number(change.versionId), status],
        );
      }
    }
  },
};

/** Fails its first attempt at each event, so that a failure is logged. */
const fussy: EventConsumer = {
  name: 'fussy',
  eventTypes: ['ledger.carried'],
  async handle(tx, event, delivery) {
    if (delivery.attempt === 1) {
      throw new Error(`cannot handle ${JSON.stringify(event)}`);
    }
    await recordEffect(tx, 'fussy', event);
  },
};

const { logger, lines } = capturedLogger();
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp(
    [ledgerService([recorder('audit'), recorder('mailer'), projector, fussy])],
    { EVENT_RELAY_INTERVAL_MS: '20', EVENT_RETRY_DELAY_SECONDS: '1' },
    { withEvents: true, logger },
  );
});
afterAll(() => t.close());

async function published(events: readonly DomainEvent[]): Promise<number> {
  const [row] = await t.db.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM ledger.event_outbox WHERE event_id = ANY($1::uuid[]) AND published_at IS NOT NULL`,
    [events.map((event) => event.id)],
  );
  return row!.count;
}

describe('event delivery', () => {
  it('when events are committed, then every consumer subscribed to their type handles each exactly once', async () => {
    const events = await commitEvents(t.db, 12);
    const ids = events.map((event) => event.id).sort();
    for (const consumer of ['audit', 'mailer']) {
      const counts = await waitFor(`${consumer} to handle 12 events`, async () => {
        const found = await effectCounts(t.db, consumer);
        return ids.every((id) => found.has(id)) && found;
      });
      expect([...counts.keys()].filter((id) => ids.includes(id)).sort()).toEqual(ids);
      expect(ids.map((id) => counts.get(id))).toEqual(ids.map(() => 1));
    }
  });

  it('when a transaction that appended an event rolls back, then the event is never delivered', async () => {
    const event = newEvent({
      type: LEDGER_EVENT,
      aggregate: { type: 'account', id: 'a-rb' },
      resources: [resourceAt('rb', 1)],
    });
    await expect(
      t.db.transaction(async (tx) => {
        await appendEvent(tx, LEDGER_SCHEMA, event);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    // A later event is delivered, so the relay has looked past the place the rolled-back one had.
    const [later] = await commitEvents(t.db, 1);
    await waitFor('the later event', async () => (await effectCounts(t.db, 'audit')).has(later!.id));
    const rows = await t.db.query('SELECT 1 FROM ledger.event_outbox WHERE event_id = $1', [event.id]);
    expect(rows).toEqual([]);
    expect((await effectCounts(t.db, 'audit')).has(event.id)).toBe(false);
  });

  it('when an event is delivered again, then the consumer recognises it and its effect does not repeat', async () => {
    const [event] = await commitEvents(t.db, 1);
    const queue = consumerQueue('ledger', 'audit');
    await waitFor('the first delivery', async () => (await effectCounts(t.db, 'audit')).get(event!.id) === 1);
    // What a crash between the consumer's commit and the job's completion leads to: a second job.
    const again = await t.bus!.boss.send(queue, event as unknown as object);
    await waitFor('the second job to complete', async () => {
      const [job] = await t.bus!.boss.findJobs(queue, { id: again! });
      return job?.state === 'completed';
    });
    expect((await effectCounts(t.db, 'audit')).get(event!.id)).toBe(1);
  });

  it('when an event type no consumer knows is committed, then it is stored and published, and no consumer gets it', async () => {
    const events = await commitEvents(t.db, 3, { type: 'ledger.nobody-listens' });
    await waitFor('the unknown events to be published', async () => (await published(events)) === 3);
    for (const consumer of ['audit', 'mailer']) {
      const counts = await effectCounts(t.db, consumer);
      expect(events.filter((event) => counts.has(event.id))).toEqual([]);
    }
    const jobs = await t.db.query(`SELECT id FROM pgboss.job WHERE id = ANY($1::uuid[])`, [
      events.map((event) => event.id),
    ]);
    expect(jobs).toEqual([]);
    // Published once, not retried in a loop: nothing about them is left to do.
    const [row] = await t.db.query<{ unpublished: number }>(
      'SELECT count(*)::int AS unpublished FROM ledger.event_outbox WHERE published_at IS NULL',
    );
    expect(row!.unpublished).toBe(0);
  });

  it('when an older version of a resource arrives after a newer one, then the projection keeps the newer state', async () => {
    const commit = async (version: number, status: string) => {
      const event = newEvent({
        type: 'ledger.status-set',
        aggregate: { type: 'account', id: 'acct-order' },
        resources: [resourceAt('order-1', version, { status } as never)],
        carryResources: true,
      });
      await t.db.transaction((tx) => appendEvent(tx, LEDGER_SCHEMA, event));
      return event;
    };
    const projection = () =>
      t.db.query<{ version_id: string; status: string }>(
        "SELECT version_id::text, status FROM ledger.projection WHERE reference = 'Basic/order-1'",
      );
    await commit(2, 'closed');
    await waitFor('version 2', async () => (await projection())[0]?.version_id === '2');
    const stale = await commit(1, 'open');
    await waitFor('the stale event to be handled', async () => {
      const rows = await t.db.query(
        "SELECT 1 FROM ledger.handled_event WHERE consumer = 'projector' AND event_id = $1",
        [stale.id],
      );
      return rows.length === 1;
    });
    expect(await projection()).toEqual([{ version_id: '2', status: 'closed' }]);
    await commit(3, 'reopened');
    await waitFor('version 3', async () => (await projection())[0]?.version_id === '3');
    expect(await projection()).toEqual([{ version_id: '3', status: 'reopened' }]);
  });

  it('when an event carrying resources fails and is retried, then the log names its id and type and nothing more of it', async () => {
    const secret = resourceAt('entry-secret', 1, {
      text: { status: 'generated', div: 'Alice Confidential-Name' },
    } as never);
    const [event] = await commitEvents(t.db, 1, {
      type: 'ledger.carried',
      aggregate: 'aggregate-secret-77',
      carry: secret,
    });
    await waitFor(
      'the retry to succeed',
      async () => (await effectCounts(t.db, 'fussy')).get(event!.id) === 1,
    );
    const failures = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.message === 'event consumer failed');
    expect(failures).toEqual([
      expect.objectContaining({
        consumer: 'ledger.fussy',
        eventId: event!.id,
        eventType: 'ledger.carried',
        attempt: 1,
      }),
    ]);
    const log = lines.join('');
    expect(log).not.toContain('Alice Confidential-Name');
    expect(log).not.toContain('aggregate-secret-77');
    expect(log).not.toContain('entry-secret');
  });
});
