import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createValidator,
  IdempotencyKeys,
  migrateServices,
  Repositories,
  type Database,
  type Queryable,
} from '@peerbridge/shared';
import { referralService } from '@peerbridge/referral';
import { REFERRAL_RESOURCES } from '../../services/referral/src/fhir/resource-definitions.js';
import { ReferralWorkflow } from '../../services/referral/src/workflow/referral-workflow.js';
import { ReferralWrites } from '../../services/referral/src/workflow/referral-writes.js';
import { openTestDatabase } from '../support/test-database.js';
import { footprint } from './support/fixtures.js';
import type { Actor, ReferralDetails, ReferralStatus } from '../../services/referral/src/domain/referral.js';

let db: Database;
const validator = createValidator();
const PROGRAM = 'Organization/peer-support-program';

beforeAll(async () => {
  db = await openTestDatabase();
  await migrateServices(db, [referralService]);
});
afterAll(() => db.close());

const DETAILS: ReferralDetails = {
  patient: { reference: 'Patient/atomic-1' },
  requester: 'Practitioner/dr-1',
  program: PROGRAM,
  reason: { text: 'Isolation', codes: [], references: [] },
  priority: 'routine',
  doNotContact: false,
};

/** The database, except that inside a transaction any statement matching `pattern` fails, as a crash would. */
function failingOn(pattern: RegExp): Database {
  const wrap = (tx: Queryable): Queryable => ({
    query: (sql, params) =>
      pattern.test(sql) ? Promise.reject(new Error('simulated crash')) : tx.query(sql, params),
    exec: (sql) => tx.exec(sql),
  });
  return { ...db, transaction: (fn) => db.transaction((tx) => fn(wrap(tx))) };
}

/** The workflow on `database`, acting as a system principal (these tests are about atomicity, not access). */
function workflowOn(database: Database) {
  const repo = new Repositories({
    db: database,
    schema: 'referral',
    definitions: REFERRAL_RESOURCES,
    validator,
    baseUrl: 'http://peerbridge.test',
  }).forSystem('outbox-atomicity-test');
  const workflow = new ReferralWorkflow(
    database,
    new ReferralWrites(PROGRAM),
    new IdempotencyKeys('referral', { ttlHours: 24 }),
  );
  return {
    create: (details: ReferralDetails, actor: Actor) => workflow.create(repo, details, actor),
    changeStatus: (id: string, to: ReferralStatus, reason: string | undefined, actor: Actor) =>
      workflow.changeStatus(repo, id, to, reason, actor),
    get: (id: string) => workflow.get(repo, id),
    history: (id: string) => workflow.history(repo, id),
  };
}

describe('a change and its outbox event commit together', () => {
  it.each([
    ['the outbox event', /event_outbox/],
    ['the transition row', /referral_transition/],
  ])(
    'when writing %s fails during a create, then neither the ServiceRequest nor the Task is stored',
    async (_, pattern) => {
      const before = await footprint(db);
      await expect(workflowOn(failingOn(pattern)).create(DETAILS, {})).rejects.toThrow('simulated crash');
      expect(await footprint(db)).toEqual(before);
    },
  );

  it('when writing the outbox event fails during a status change, then the Task and ServiceRequest keep their versions', async () => {
    const { referral } = await workflowOn(db).create(DETAILS, {});
    const before = await footprint(db);
    await expect(
      workflowOn(failingOn(/event_outbox/)).changeStatus(referral.id, 'rejected', 'No capacity', {}),
    ).rejects.toThrow('simulated crash');
    expect(await footprint(db)).toEqual(before);
    expect((await workflowOn(db).get(referral.id)).status).toBe('requested');
  });

  it('when a status change commits, then its event names the new versions of the Task and ServiceRequest', async () => {
    const workflow = workflowOn(db);
    const { referral } = await workflow.create(DETAILS, {});
    const rejected = await workflow.changeStatus(referral.id, 'rejected', 'No capacity', {});
    const [event] = await db.query<{ resources: unknown }>(
      "SELECT changes AS resources FROM referral.event_outbox WHERE aggregate_id = $1 AND event_type = 'referral.status-changed'",
      [referral.id],
    );
    expect(event?.resources).toEqual([
      { reference: `ServiceRequest/${referral.id}`, versionId: rejected.serviceRequestVersion },
      { reference: `Task/${referral.taskId}`, versionId: rejected.taskVersion },
    ]);
    expect([rejected.serviceRequestVersion, rejected.taskVersion]).toEqual(['2', '2']);
  });
});

describe('who made a change', () => {
  it('when the caller is known, then each transition records who it was', async () => {
    const workflow = workflowOn(db);
    const clinician = { fhirUser: 'Practitioner/dr-1', subject: 'dr-1', clientId: 'ehr-launch-app' };
    const coordinator = { fhirUser: 'Practitioner/coord-1', clientId: 'peerbridge-web' };
    const { referral } = await workflow.create(DETAILS, clinician);
    await workflow.changeStatus(referral.id, 'accepted', undefined, coordinator);
    const history = await workflow.history(referral.id);
    expect(history.map((transition) => [transition.to, transition.actor])).toEqual([
      ['requested', clinician],
      ['accepted', coordinator],
    ]);
  });
});
