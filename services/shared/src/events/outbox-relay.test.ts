import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openTestDatabase } from '../../../../tests/support/test-database.js';
import { parseConfig } from '../config/config.js';
import type { Database } from '../db/database.js';
import { migrateSchema } from '../db/migrate.js';
import { createLogger } from '../logging/logger.js';
import { newEvent } from './domain-event.js';
import { EventBus } from './event-bus.js';
import { EVENT_MIGRATIONS } from './event-migrations.js';
import { appendEvent } from './outbox.js';
import { OutboxRelay } from './outbox-relay.js';

const SCHEMA = 'relay_test';
const QUEUE = 'relay-test.listener';
let db: Database;
let bus: EventBus;
let relay: OutboxRelay;

beforeAll(async () => {
  const config = parseConfig({ SMART_ISSUERS: 'https://issuer.test' }, { port: 0 });
  const logger = createLogger({ level: 'error', service: 'test', silent: true });
  db = await openTestDatabase();
  await migrateSchema(db, SCHEMA, [EVENT_MIGRATIONS]);
  bus = await EventBus.start({ db, config, logger });
  await bus.boss.createQueue(QUEUE);
  await bus.boss.subscribe('relay.tested', QUEUE);
  relay = new OutboxRelay(db, SCHEMA, bus, logger);
});
afterAll(async () => {
  await bus.stop(5000);
  await db.close();
});

async function commit(type = 'relay.tested') {
  const event = newEvent({
    type,
    aggregate: { type: 'thing', id: 't1' },
    resources: [{ resourceType: 'Basic', id: 'b1', meta: { versionId: '1' } } as never],
  });
  await db.transaction((tx) => appendEvent(tx, SCHEMA, event));
  return event;
}

async function jobsFor(eventId: string) {
  return bus.boss.findJobs<{ id: string }>(QUEUE, { id: eventId });
}

describe('outbox relay', () => {
  it('when an event is committed, then the relay queues it for the subscribed queue under its own id and marks it published', async () => {
    const event = await commit();
    expect(await relay.drain()).toBe(1);
    const [job] = await jobsFor(event.id);
    expect(job?.data).toEqual(event);
    const [row] = await db.query<{ published: boolean }>(
      `SELECT published_at IS NOT NULL AS published FROM ${SCHEMA}.event_outbox WHERE event_id = $1`,
      [event.id],
    );
    expect(row).toEqual({ published: true });
  });

  it('when another relay holds the claim, then the event waits; once the claim has lapsed, it is published', async () => {
    const event = await commit();
    await db.query(
      `UPDATE ${SCHEMA}.event_outbox SET claimed_until = now() + interval '1 hour' WHERE event_id = $1`,
      [event.id],
    );
    expect(await relay.drain()).toBe(0);
    expect(await jobsFor(event.id)).toEqual([]);

    // The claiming relay died: its lease runs out.
    await db.query(
      `UPDATE ${SCHEMA}.event_outbox SET claimed_until = now() - interval '1 second' WHERE event_id = $1`,
      [event.id],
    );
    expect(await relay.drain()).toBe(1);
    expect(await jobsFor(event.id)).toHaveLength(1);
  });

  it('when a relay died after queueing but before marking, then publishing again queues no second job', async () => {
    const event = await commit();
    await relay.drain();
    await db.query(`UPDATE ${SCHEMA}.event_outbox SET published_at = NULL WHERE event_id = $1`, [event.id]);
    expect(await relay.drain()).toBe(1);
    expect(await jobsFor(event.id)).toHaveLength(1);
  });

  it('when no queue subscribes to the type, then the event is marked published and nothing is queued', async () => {
    const event = await commit('relay.unheard-of');
    expect(await relay.drain()).toBe(1);
    expect(await jobsFor(event.id)).toEqual([]);
    expect(await relay.drain()).toBe(0);
  });
});
