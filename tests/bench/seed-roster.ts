import { createValidator, Repositories, type Database, type Queryable } from '@peerbridge/shared';
import type { PeerSupporterProfile, Weekday } from '../../services/care-team/src/domain/peer-supporter.js';
import { LIVED_EXPERIENCE_CODES } from '../../services/care-team/src/fhir/codes.js';
import { CARE_TEAM_RESOURCES } from '../../services/care-team/src/fhir/resource-definitions.js';
import { saveReferral } from '../../services/care-team/src/store/referral-tables.js';
import { CARE_TEAM_SCHEMA } from '../../services/care-team/src/workflow/care-team-events.js';
import { RosterWorkflow } from '../../services/care-team/src/workflow/roster-workflow.js';
import { PROGRAM } from '../../services/care-team/src/service.js';

/** The referral every suggestions request ranks for: Spanish, depression and trauma, weekday evenings. */
export const BENCH_REFERRAL = {
  id: 'bench-referral',
  patient: 'Patient/bench-patient',
  requester: 'Practitioner/bench-clinician',
  program: PROGRAM,
  status: 'accepted',
  preferredLanguage: 'es',
  contactTime: 'Weekday evenings after 6pm',
  reasonCodes: ['http://snomed.info/sct|35489007', 'http://hl7.org/fhir/sid/icd-10-cm|F43.10'],
} as const;

const LANGUAGES = [['en'], ['es', 'en'], ['en', 'fr'], ['es-MX'], ['vi', 'en'], ['zh', 'en'], ['ar', 'en']];
const DAY_SETS: Weekday[][] = [
  ['mon', 'wed'],
  ['tue', 'thu'],
  ['sat', 'sun'],
  ['mon', 'tue', 'wed', 'thu', 'fri'],
  ['fri'],
];
const SLOTS = [
  ['09:00', '12:00'],
  ['13:00', '17:00'],
  ['17:00', '20:30'],
  ['18:00', '21:00'],
];

/**
 * Roster member i of the bench series: languages, lived experience, availability, caseload limit
 * and certification vary with i, so that the ranking has real work at every factor and some
 * members are excluded (a certification that expired or is not valid yet).
 */
export function benchProfile(i: number): PeerSupporterProfile {
  const certified =
    i % 23 === 0
      ? ['2019-01-01', '2020-12-31']
      : i % 31 === 0
        ? ['2098-01-01', '2099-12-31']
        : ['2024-01-01', '2099-12-31'];
  const slot = SLOTS[i % SLOTS.length]!;
  return {
    name: { given: [`Peer${i}`], family: `Bench${i % 97}` },
    languages: LANGUAGES[i % LANGUAGES.length]!,
    livedExperience: [0, 1, 2]
      .slice(0, 1 + (i % 3))
      .map((n) => LIVED_EXPERIENCE_CODES[(i * 7 + n * 5) % LIVED_EXPERIENCE_CODES.length]!)
      .filter((code, index, all) => all.indexOf(code) === index),
    certifications: [
      {
        code: 'state-cps',
        issuer: 'State board',
        identifier: `CPS-${i}`,
        validFrom: certified[0]!,
        validUntil: certified[1]!,
      },
    ],
    trainings: [{ title: 'Peer support core training', hours: 40, completedOn: '2023-06-01' }],
    maxCaseload: 4 + (i % 12),
    availability: [{ days: DAY_SETS[i % DAY_SETS.length]!, start: slot[0]!, end: slot[1]! }],
    role: 'peer-supporter',
    active: true,
  };
}

/**
 * Adds roster members first..last through the roster workflow (FHIR Practitioner and
 * PractitionerRole validated and stored, roster rows indexed), one transaction per batch, then
 * gives them caseloads: active_care_teams as assignments would have counted them, a twentieth at
 * their limit.
 */
export async function seedRoster(
  db: Database,
  baseUrl: string,
  first: number,
  last: number,
  profileOf: (i: number) => PeerSupporterProfile = benchProfile,
): Promise<void> {
  const repositories = new Repositories({
    db,
    schema: CARE_TEAM_SCHEMA,
    definitions: CARE_TEAM_RESOURCES,
    validator: createValidator(),
    baseUrl,
  });
  const repo = repositories.forSystem('bench-roster');
  const BATCH = 250;
  for (let from = first; from <= last; from += BATCH) {
    await db.transaction(async (tx) => {
      const roster = new RosterWorkflow(batchOf(db, tx), PROGRAM);
      for (let i = from; i <= Math.min(last, from + BATCH - 1); i++) {
        await roster.create(repo, { kind: 'program' }, profileOf(i), `bench-peer-${i}`);
      }
    });
  }
  await db.query(
    `UPDATE care_team.peer_supporter
        SET active_care_teams = CASE WHEN n % 20 = 0 THEN max_caseload ELSE n % max_caseload END
       FROM (SELECT id, substring(id FROM 'bench-peer-(\\d+)')::int AS n FROM care_team.peer_supporter) AS seeded
      WHERE seeded.id = peer_supporter.id AND seeded.n BETWEEN $1 AND $2`,
    [first, last],
  );
}

/** The referral the bench ranks for, as the referral service's events would have left it. */
export async function seedReferral(db: Database): Promise<void> {
  await saveReferral(db, BENCH_REFERRAL);
}

/** `db` with every statement (and every nested transaction) running in the batch's transaction. */
function batchOf(db: Database, tx: Queryable): Database {
  return {
    kind: db.kind,
    connection: db.connection,
    query: (sql, params, name) => tx.query(sql, params, name),
    exec: (sql) => tx.exec(sql),
    transaction: (fn) => fn(tx),
    close: () => Promise.resolve(),
  };
}
