import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rosterChanged as rosterEvent } from '../../../../tests/support/roster-events.js';
import { openTestDatabase } from '../../../../tests/support/test-database.js';
import { createAuthContext } from '../auth/auth-context.js';
import type { Database } from '../db/database.js';
import { migrateSchema } from '../db/migrate.js';
import { OperationOutcomeError } from '../errors/operation-outcome-error.js';
import { EVENT_MIGRATIONS } from '../events/event-migrations.js';
import { ProgramAdministrators } from './program-administrators.js';

// Who administers the program: backend services, and the users the roster's events name as its
// active coordinators, as the kit's program-coordinators consumer keeps them in a service's schema.

const SCHEMA = 'program_administrators_test';
const BASE_URL = 'https://peerbridge.test';
const PEER_SPECIALIST = { system: 'http://nucc.org/provider-taxonomy', code: '175T00000X' };

let db: Database;
let administrators: ProgramAdministrators;
beforeAll(async () => {
  db = await openTestDatabase();
  await migrateSchema(db, SCHEMA, [EVENT_MIGRATIONS]);
  administrators = new ProgramAdministrators(db, SCHEMA, BASE_URL);
});
afterAll(() => db.close());

const rosterChanged = (practitionerId: string, role: Parameters<typeof rosterEvent>[3]) =>
  rosterEvent(db, SCHEMA, practitionerId, role);

const userToken = (fhirUser: string, scope = 'openid fhirUser user/*.rs') =>
  createAuthContext({ iss: 'https://issuer.test', scope, fhirUser });

/** What `assert` answers: 'allowed', or the status and issue code of its refusal. */
async function decision(caller: ReturnType<typeof userToken>, action: 'r' | 'u' = 'r'): Promise<string> {
  try {
    await administrators.assert(caller, action);
    return 'allowed';
  } catch (error) {
    if (error instanceof OperationOutcomeError) {
      return `${error.status} ${error.outcome.issue[0]!.code}`;
    }
    throw error;
  }
}

describe('program administrators', () => {
  it('when a backend service with system/*.rs reads, then it is allowed without a roster', async () => {
    expect(await decision(createAuthContext({ iss: 'https://issuer.test', scope: 'system/*.rs' }))).toBe(
      'allowed',
    );
  });

  it("when an active coordinator's user/*.rs token reads, then it is allowed", async () => {
    const coordinator = randomUUID();
    await rosterChanged(coordinator, { version: 1, active: true });
    expect(await decision(userToken(`Practitioner/${coordinator}`))).toBe('allowed');
    expect(await decision(userToken(`${BASE_URL}/fhir/Practitioner/${coordinator}`))).toBe('allowed');
  });

  it('when a user/*.rs token names someone not on the roster (a clinician), then 403 forbidden', async () => {
    expect(await decision(userToken(`Practitioner/${randomUUID()}`))).toBe('403 forbidden');
  });

  it('when the token names no fhirUser, or a coordinator of another server, then 403 forbidden', async () => {
    const coordinator = randomUUID();
    await rosterChanged(coordinator, { version: 1, active: true });
    expect(await decision(createAuthContext({ iss: 'https://issuer.test', scope: 'user/*.rs' }))).toBe(
      '403 forbidden',
    );
    expect(await decision(userToken(`https://elsewhere.test/fhir/Practitioner/${coordinator}`))).toBe(
      '403 forbidden',
    );
  });

  it('when an active peer supporter on the roster asks, then 403 forbidden', async () => {
    const peerSupporter = randomUUID();
    await rosterChanged(peerSupporter, { version: 1, active: true, code: PEER_SPECIALIST });
    expect(await decision(userToken(`Practitioner/${peerSupporter}`))).toBe('403 forbidden');
  });

  it('when a coordinator is deactivated, then 403; a stale event naming them active changes nothing', async () => {
    const coordinator = randomUUID();
    await rosterChanged(coordinator, { version: 1, active: true });
    await rosterChanged(coordinator, { version: 2, active: false });
    expect(await decision(userToken(`Practitioner/${coordinator}`))).toBe('403 forbidden');
    await rosterChanged(coordinator, { version: 1, active: true });
    expect(await decision(userToken(`Practitioner/${coordinator}`))).toBe('403 forbidden');
  });
});
