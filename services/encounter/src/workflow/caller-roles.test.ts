import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createAuthContext,
  migrateSchema,
  RequestMemo,
  type Database,
  type Queryable,
} from '@peerbridge/shared';
import { openTestDatabase } from '../../../../tests/support/test-database.js';
import { saveCareTeam, saveRosterMember } from '../store/care-team-view.js';
import { ENCOUNTER_MIGRATIONS } from '../store/migrations.js';
import { saveReferralConsent } from '../store/referral-consent-view.js';
import { CallerRoles } from './caller-roles.js';

// A request's Audience, Redactions and handler all ask who the caller is (and a clinician's
// consenting referrals): with the request's memo, each is one query, however often it is asked.

const BASE_URL = 'https://peerbridge.test';
let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
  await migrateSchema(db, 'encounter', [ENCOUNTER_MIGRATIONS]);
  await saveRosterMember(db, {
    practitionerId: 'ps-1',
    roleId: 'role-1',
    role: 'peer-supporter',
    active: true,
  });
  await saveCareTeam(db, {
    id: 'team-1',
    referralId: 'ref-1',
    patient: 'Patient/p1',
    status: 'active',
    peerSupporterId: 'ps-1',
  });
  await saveReferralConsent(db, {
    referralId: 'ref-1',
    patient: 'Patient/p1',
    consentReference: 'Consent/c1',
  });
});
afterAll(() => db.close());

/** The database, counting the statements that read each projection table. */
function counted(): { q: Queryable; reads: (table: string) => number } {
  const statements: string[] = [];
  return {
    q: {
      query: (sql, params, name) => {
        statements.push(sql);
        return db.query(sql, params, name);
      },
    } as Queryable,
    reads: (table) => statements.filter((sql) => sql.includes(`encounter.${table}`)).length,
  };
}

const user = (practitioner: string, patient?: string) =>
  createAuthContext({
    sub: practitioner,
    scope: 'user/*.rs',
    fhirUser: `${BASE_URL}/fhir/Practitioner/${practitioner}`,
    ...(patient ? { patient } : {}),
    iss: 'https://issuer.test',
  });

describe('CallerRoles within one request', () => {
  it("when a clinician's request asks for the role, Audience and Redactions, then the roster and consents are read once each", async () => {
    const { q, reads } = counted();
    const roles = new CallerRoles(q, BASE_URL);
    const caller = user('clinician-1', 'p1');
    const memo = new RequestMemo();

    const role = await roles.roleOf(caller, memo);
    await roles.audience(caller, undefined, memo);
    await roles.redactions(caller, undefined, memo);
    expect(await roles.roleOf(caller, memo)).toBe(role);

    expect(role).toEqual({ kind: 'clinician', patient: 'p1' });
    expect(reads('roster_member')).toBe(1);
    expect(reads('referral_consent')).toBe(1);
  });

  it("when a peer supporter's request asks for its Audience and whether a patient is in view, then the caseload is read once", async () => {
    const { q, reads } = counted();
    const roles = new CallerRoles(q, BASE_URL);
    const caller = user('ps-1');
    const memo = new RequestMemo();

    const role = await roles.roleOf(caller, memo);
    await roles.audience(caller, undefined, memo);
    expect(await roles.patientInView(role, 'Patient/p1', memo)).toBe(true);
    expect(await roles.patientInView(role, 'Patient/p2', memo)).toBe(false);

    expect(reads('roster_member')).toBe(1);
    expect(reads('care_team')).toBe(1);
  });

  it('when the next request comes, then it looks the role up again, so a change to the roster counts from then on', async () => {
    const { q, reads } = counted();
    const roles = new CallerRoles(q, BASE_URL);
    const caller = user('ps-1');

    expect((await roles.roleOf(caller, new RequestMemo())).kind).toBe('peer-supporter');
    await saveRosterMember(db, {
      practitionerId: 'ps-1',
      roleId: 'role-1',
      role: 'peer-supporter',
      active: false,
    });
    expect((await roles.roleOf(caller, new RequestMemo())).kind).toBe('clinician');
    expect(reads('roster_member')).toBe(2);
  });
});
