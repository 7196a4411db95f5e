import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { migrateServices, type Database } from '@peerbridge/shared';
import { openTestDatabase } from '../../../../tests/support/test-database.js';
import { ehrIntegrationService } from '../service.js';
import {
  claimNextWriteBack,
  enqueueWriteBack,
  markDead,
  markDeliveredAndClaimNext,
  markRetry,
  type WriteBackItem,
} from './write-back-tables.js';

// The write-back rows' version rules, on the real database: an older version never replaces a
// newer one, and a delivery of an older version never marks a newer one delivered.

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
  await migrateServices(db, [ehrIntegrationService]);
});
afterAll(() => db.close());

let next = 0;
const item = (version: number, resourceId: string): WriteBackItem => ({
  connectionId: 'clinic',
  resourceType: 'Flag',
  resourceId,
  version,
  resource: { resourceType: 'Flag', status: 'active', code: { text: `v${version}` }, subject: {} },
  referralId: undefined,
  withheld: false,
});
const newId = () => `flag-${(next += 1)}`;

/** The EHR got `version` of the Flag `resourceId` (of the connection `clinic`). */
async function delivered(resourceId: string, version: number): Promise<void> {
  await markDeliveredAndClaimNext(
    db,
    'clinic',
    { resourceType: 'Flag', resourceId },
    version,
    `Flag/ehr-${resourceId}`,
    60,
  );
}

async function row(resourceId: string) {
  const [found] = await db.query<{
    version: number;
    state: string;
    delivered_version: number | null;
    attempts: number;
  }>(
    `SELECT version, state, delivered_version, attempts FROM ehr_integration.write_back WHERE resource_id = $1`,
    [resourceId],
  );
  return found!;
}

describe('write-back rows', () => {
  it('when an older version is put in line after a newer one, then the newer one stays', async () => {
    const id = newId();
    await enqueueWriteBack(db, { ...item(3, id), connectionId: 'alone' });
    await enqueueWriteBack(db, { ...item(2, id), connectionId: 'alone' });
    expect(await row(id)).toMatchObject({ version: 3, state: 'pending' });
    const claimed = await claimNextWriteBack(db, 'alone', 60);
    expect(claimed).toMatchObject({ resourceId: id, version: 3, resource: { code: { text: 'v3' } } });
  });

  it('when a newer version arrives while an older one is out for delivery, then that delivery leaves the row due with the newer one', async () => {
    const id = newId();
    await enqueueWriteBack(db, item(1, id));
    await enqueueWriteBack(db, item(2, id));
    await delivered(id, 1);
    expect(await row(id)).toMatchObject({ version: 2, state: 'pending', delivered_version: 1 });
    await delivered(id, 2);
    expect(await row(id)).toMatchObject({ version: 2, state: 'delivered', delivered_version: 2 });
    await delivered(id, 1);
    expect(await row(id)).toMatchObject({ state: 'delivered', delivered_version: 2 });
  });

  it('when the EHR refused a version for good and a newer one comes, then the newer one is due with fresh attempts', async () => {
    const id = newId();
    await enqueueWriteBack(db, item(1, id));
    await markDead(db, 'clinic', { resourceType: 'Flag', resourceId: id }, 1, 'update: HTTP 422', {});
    expect(await row(id)).toMatchObject({ state: 'dead', attempts: 1 });
    await enqueueWriteBack(db, item(2, id));
    expect(await row(id)).toMatchObject({ version: 2, state: 'pending', attempts: 0 });
  });

  it('when a pending write fails and a newer version comes, then it is still pending since it first was; delivered, it is no longer pending', async () => {
    const id = newId();
    const key = { resourceType: 'Flag', resourceId: id };
    const since = async () =>
      (
        await db.query<{ pending_since: Date | null }>(
          'SELECT pending_since FROM ehr_integration.write_back WHERE resource_id = $1',
          [id],
        )
      )[0]!.pending_since;
    await enqueueWriteBack(db, item(1, id));
    const first = await since();
    expect(first).toBeInstanceOf(Date);
    await markRetry(db, 'clinic', key, new Date(Date.now() + 1000), 'update: HTTP 503');
    await enqueueWriteBack(db, item(2, id));
    expect(await since()).toEqual(first);
    await delivered(id, 2);
    expect(await since()).toBeNull();
    await enqueueWriteBack(db, item(3, id));
    expect((await since())!.getTime()).toBeGreaterThanOrEqual(first!.getTime());
  });

  it('when a write is marked delivered, then the next due row is claimed in the same statement, never the same one', async () => {
    const [a, b] = [newId(), newId()];
    await enqueueWriteBack(db, { ...item(1, a), connectionId: 'pair' });
    await enqueueWriteBack(db, { ...item(1, b), connectionId: 'pair' });
    const first = await claimNextWriteBack(db, 'pair', 60);
    expect(first?.resourceId).toBe(a);
    const key = (resourceId: string) => ({ resourceType: 'Flag', resourceId });
    const next = await markDeliveredAndClaimNext(db, 'pair', key(a), 1, 'Flag/ehr-a', 60);
    expect(next?.resourceId).toBe(b);
    expect(await claimNextWriteBack(db, 'pair', 60)).toBeUndefined();
    expect(await markDeliveredAndClaimNext(db, 'pair', key(b), 1, 'Flag/ehr-b', 60)).toBeUndefined();
    expect([(await row(a)).state, (await row(b)).state]).toEqual(['delivered', 'delivered']);
  });
});
