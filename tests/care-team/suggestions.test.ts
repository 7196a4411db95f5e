import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { careTeamService } from '@peerbridge/care-team';
import { referralService } from '@peerbridge/referral';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { expectContract } from './support/contract.js';
import { addToRoster, as, userToken, type Agent } from './support/fixtures.js';
import {
  acceptedReferralFor,
  moveReferral,
  waitForCareTeam,
  type MatchingReferral,
} from './support/referrals.js';

const SNOMED = 'http://snomed.info/sct';
const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';
/** Depressive disorder and PTSD: the referral asks for lived experience of depression and trauma. */
const REASONS = [`${SNOMED}|35489007`, `${ICD10CM}|F43.10`];
const EVENINGS = 'Weekday evenings after 6pm';

const WEEKDAY_EVENINGS = [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '18:00', end: '21:00' }];
const SATURDAY_MORNING = [{ days: ['sat'], start: '10:00', end: '12:00' }];

function certification(validFrom: string, validUntil: string) {
  return [{ code: 'state-cps', issuer: 'State board', identifier: 'CPS-1', validFrom, validUntil }];
}

/** A roster member with exactly the facts a test ranks on. */
function member(
  given: string,
  languages: string[],
  livedExperience: string[],
  availability: unknown[],
  maxCaseload: number,
  extra: Record<string, unknown> = {},
) {
  return {
    name: { given: [given], family: 'Test' },
    languages,
    livedExperience,
    availability,
    maxCaseload,
    ...extra,
  };
}

interface Ranked {
  rank: number;
  score: number;
  peerSupporter: { id: string; name: string; practitioner: string; practitionerRole: string };
  explanation: { factor: string; met: boolean; points: number; explanation: string }[];
}

async function suggestions(api: Agent, referralId: string, query: Record<string, string | number> = {}) {
  const res = await api.get(`/api/care-team/referrals/${referralId}/suggestions`).query(query);
  expectContract(res, 'suggestPeerSupporters');
  return res;
}

const ranking = (body: { suggestions: Ranked[] }) =>
  body.suggestions.map((s) => [s.rank, s.peerSupporter.name, s.score]);

describe('suggestions rank by language, lived experience, availability, continuity, capacity', () => {
  let t: TestApp;
  let coordinator: Agent;
  let referral: MatchingReferral;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp([referralService, careTeamService], {}, { withEvents: true });
    coordinator = as(
      t,
      await userToken(
        await addToRoster(t, { role: 'coordinator', name: { given: ['Cora'], family: 'Test' } }),
      ),
    );
    const roster = [
      // Speaks the language, shares both lived experiences, overlaps: best, whatever the capacity.
      member('Ana', ['es'], ['depression', 'trauma'], WEEKDAY_EVENINGS, 3),
      // Spanish as es-MX still speaks "es"; one shared lived experience.
      member(
        'Bea',
        ['es-MX', 'en'],
        ['depression', 'veteran'],
        [{ days: ['mon'], start: '18:00', end: '20:00' }],
        10,
      ),
      // One shared, no overlap: below Bea although far more capacity.
      member('Cai', ['es'], ['trauma'], SATURDAY_MORNING, 40),
      // None shared but overlaps: below Cai (lived experience outranks availability).
      member('Dov', ['es'], [], WEEKDAY_EVENINGS, 8),
      // Nothing but the language; capacity decides among Eli, Fay, Gil and Hana.
      member('Eli', ['es', 'fr'], ['lgbtq'], SATURDAY_MORNING, 9),
      member('Fay', ['es'], [], [], 2),
      member('Gil', ['es'], [], [], 2),
      member('Hana', ['es'], [], [], 2),
      // More lived experience, overlap and capacity than anyone, but no Spanish: below every speaker.
      member('Ivo', ['en'], ['depression', 'trauma', 'anxiety'], WEEKDAY_EVENINGS, 50),
      member('Jun', ['de'], [], [], 1),
    ];
    for (const body of roster) {
      ids[(body.name as { given: string[] }).given[0]!] = await addToRoster(t, body);
    }
    referral = await acceptedReferralFor(t, {
      preferredLanguage: 'es',
      reasonCodes: REASONS,
      contactTime: EVENINGS,
    });
  });
  afterAll(() => t.close());

  it('when a coordinator asks, then candidates come in factor order, with exact scores and ties broken by id', async () => {
    const res = await suggestions(coordinator, referral.id, { limit: 50 });
    expect(res.status).toBe(200);
    const tied = ['Fay', 'Gil', 'Hana'].sort((a, b) => (ids[a]! < ids[b]! ? -1 : 1));
    expect(ranking(res.body)).toEqual([
      [1, 'Ana Test', 1_025_003],
      [2, 'Bea Test', 1_015_010],
      [3, 'Cai Test', 1_010_040],
      [4, 'Dov Test', 1_005_008],
      [5, 'Eli Test', 1_000_009],
      [6, `${tied[0]} Test`, 1_000_002],
      [7, `${tied[1]} Test`, 1_000_002],
      [8, `${tied[2]} Test`, 1_000_002],
      [9, 'Ivo Test', 25_050],
      [10, 'Jun Test', 1],
    ]);
    expect(res.body.wanted).toEqual({
      language: 'es',
      livedExperience: ['depression', 'trauma'],
      contactTime: EVENINGS,
    });
    expect(res.body.candidateTotal).toBe(10);
    expect(res.body.excluded).toEqual([]);
    expect(res.body.excludedTotal).toBe(0);
  });

  it('when a candidate is suggested, then each factor is explained in words, with its FHIR references', async () => {
    const res = await suggestions(coordinator, referral.id, { limit: 2 });
    const [bea] = (res.body.suggestions as Ranked[]).slice(1);
    expect(bea).toEqual({
      rank: 2,
      score: 1_015_010,
      peerSupporter: {
        id: ids.Bea,
        name: 'Bea Test',
        practitioner: `Practitioner/${ids.Bea}`,
        practitionerRole: expect.stringMatching(/^PractitionerRole\/[A-Za-z0-9\-.]+$/),
      },
      explanation: [
        {
          factor: 'language',
          met: true,
          points: 1_000_000,
          explanation: "Bea speaks es, the patient's preferred language.",
        },
        {
          factor: 'lived-experience',
          met: true,
          points: 10_000,
          explanation: 'Shares lived experience of depression (asked for: depression, trauma).',
        },
        {
          factor: 'availability',
          met: true,
          points: 5_000,
          explanation:
            "Available Mon 18:00–20:00, overlapping the patient's preferred Mon–Fri 18:00–21:00 by 2 h a week.",
        },
        {
          factor: 'continuity',
          met: false,
          points: 0,
          explanation: 'Bea has not supported this patient before.',
        },
        {
          factor: 'capacity',
          met: true,
          points: 10,
          explanation: '10 more patients before a full caseload.',
        },
      ],
    });
    const ivo = await suggestions(coordinator, referral.id, { limit: 9 });
    expect((ivo.body.suggestions as Ranked[])[8]!.explanation[0]).toEqual({
      factor: 'language',
      met: false,
      points: 0,
      explanation: 'Ivo does not speak es (speaks en).',
    });
  });

  it('when the coordinator names the lived experience to look for, then it replaces what the reasons suggest', async () => {
    const res = await suggestions(coordinator, referral.id, { livedExperience: 'veteran,lgbtq', limit: 5 });
    expect(res.status).toBe(200);
    expect(res.body.wanted.livedExperience).toEqual(['veteran', 'lgbtq']);
    expect(ranking(res.body)).toEqual([
      [1, 'Bea Test', 1_015_010],
      [2, 'Eli Test', 1_010_009],
      [3, 'Dov Test', 1_005_008],
      [4, 'Ana Test', 1_005_003],
      [5, 'Cai Test', 1_000_040],
    ]);
  });

  it('when a limit is given, then only that many come back but the total counts every candidate', async () => {
    const res = await suggestions(coordinator, referral.id, { limit: 3 });
    expect(ranking(res.body)).toEqual([
      [1, 'Ana Test', 1_025_003],
      [2, 'Bea Test', 1_015_010],
      [3, 'Cai Test', 1_010_040],
    ]);
    expect(res.body.candidateTotal).toBe(10);
  });

  it('when no limit is given, then ten come back', async () => {
    const res = await suggestions(coordinator, referral.id);
    expect(res.body.suggestions).toHaveLength(10);
  });

  it('when the referral is unknown, then 404 names it', async () => {
    const res = await suggestions(coordinator, 'no-such-referral');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ code: 'not-found', details: { text: 'Referral no-such-referral not found' } }],
    });
  });

  it("when a peer supporter's token asks, then 403 and nothing is listed", async () => {
    const res = await suggestions(as(t, await userToken(ids.Ana!)), referral.id);
    expect(res.status).toBe(403);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.suggestions).toBeUndefined();
  });
});

describe('continuity', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp([referralService, careTeamService], {}, { withEvents: true });
  });
  afterAll(() => t.close());

  it('when a peer supporter supported this patient on an earlier, closed care team, then continuity lifts them above more capacity', async () => {
    const coordinator = as(t, await userToken(await addToRoster(t, { role: 'coordinator' })));
    const before = await addToRoster(t, member('Kim', ['es'], ['depression'], SATURDAY_MORNING, 3));
    await addToRoster(t, member('Lou', ['es'], ['depression'], SATURDAY_MORNING, 10));
    const first = await acceptedReferralFor(t, { preferredLanguage: 'es', reasonCodes: REASONS });
    const assigned = await coordinator
      .post(`/api/care-team/referrals/${first.id}/assignment`)
      .send({ peerSupporterId: before });
    expect(assigned.status).toBe(200);
    for (const status of ['in-progress', 'completed']) {
      await moveReferral(t, first.id, status);
    }
    await waitForCareTeam(t, first.id, first.patient, 'inactive');
    const history = await t.db.query<{ peer_supporter_id: string; ended: boolean }>(
      'SELECT peer_supporter_id, ended_at IS NOT NULL AS ended FROM care_team.assignment WHERE patient = $1',
      [first.patient],
    );
    expect(history).toEqual([{ peer_supporter_id: before, ended: true }]);

    const again = await acceptedReferralFor(t, {
      patient: first.patient,
      preferredLanguage: 'es',
      reasonCodes: REASONS,
      contactTime: EVENINGS,
    });
    const res = await suggestions(coordinator, again.id);
    expect(ranking(res.body)).toEqual([
      [1, 'Kim Test', 1_012_503],
      [2, 'Lou Test', 1_010_010],
    ]);
    expect(res.body.suggestions[0].explanation[3]).toEqual({
      factor: 'continuity',
      met: true,
      points: 2_500,
      explanation: 'Kim has supported this patient before.',
    });

    // Another patient's referral: Kim has not supported them, so capacity decides.
    const other = await acceptedReferralFor(t, { preferredLanguage: 'es', reasonCodes: REASONS });
    const otherRanking = await suggestions(coordinator, other.id);
    expect(ranking(otherRanking.body)).toEqual([
      [1, 'Lou Test', 1_010_010],
      [2, 'Kim Test', 1_010_003],
    ]);
  });
});

describe('excluded peer supporters', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp([referralService, careTeamService], {}, { withEvents: true });
  });
  afterAll(() => t.close());

  it('when peer supporters are inactive, uncertified today or at capacity, then they are listed apart with exact reasons, and coordinators never appear', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const coordinatorId = await addToRoster(t, {
      role: 'coordinator',
      name: { given: ['Cora'], family: 'Zed' },
    });
    const coordinator = as(t, await userToken(coordinatorId));
    const eligible = await addToRoster(t, member('Mia', ['es'], [], [], 2));
    const inactive = await addToRoster(t, member('Ned', ['es'], [], [], 2));
    const deactivated = await coordinator
      .post(`/api/care-team/peer-supporters/${inactive}/deactivation`)
      .send({});
    expect(deactivated.status).toBe(200);
    await addToRoster(
      t,
      member('Oli', ['es'], [], [], 2, { certifications: certification('2020-01-01', '2021-01-01') }),
    );
    await addToRoster(
      t,
      member('Pia', ['es'], [], [], 2, { certifications: certification('2099-01-01', '2099-12-31') }),
    );
    // Valid on its last day: the bounds are inclusive.
    const lastDay = await addToRoster(
      t,
      member('Quin', ['es'], [], [], 2, { certifications: certification('2020-01-01', today) }),
    );
    await addToRoster(t, member('Ray', ['es'], [], [], 0));
    await addToRoster(
      t,
      member('Sol', ['es'], [], [], 0, {
        active: false,
        certifications: certification('2020-01-01', '2021-01-01'),
      }),
    );

    const referral = await acceptedReferralFor(t, { preferredLanguage: 'es', reasonCodes: REASONS });
    const res = await suggestions(coordinator, referral.id);
    expect(res.status).toBe(200);
    expect(res.body.suggestions.map((s: Ranked) => s.peerSupporter.id).sort()).toEqual(
      [eligible, lastDay].sort(),
    );
    expect(res.body.candidateTotal).toBe(2);
    expect(res.body.excludedTotal).toBe(5);
    // Active ones first, then by name.
    expect(
      res.body.excluded.map(
        (e: { peerSupporter: { name: string }; reasons: { code: string; explanation: string }[] }) => [
          e.peerSupporter.name,
          e.reasons,
        ],
      ),
    ).toEqual([
      ['Oli Test', [{ code: 'no-valid-certification', explanation: `No certification valid on ${today}.` }]],
      ['Pia Test', [{ code: 'no-valid-certification', explanation: `No certification valid on ${today}.` }]],
      ['Ray Test', [{ code: 'at-capacity', explanation: 'Caseload full: 0 of 0.' }]],
      ['Ned Test', [{ code: 'inactive', explanation: 'Not active on the roster.' }]],
      [
        'Sol Test',
        [
          { code: 'inactive', explanation: 'Not active on the roster.' },
          { code: 'no-valid-certification', explanation: `No certification valid on ${today}.` },
          { code: 'at-capacity', explanation: 'Caseload full: 0 of 0.' },
        ],
      ],
    ]);
    const everyone = [...res.body.suggestions, ...res.body.excluded].map(
      (s: { peerSupporter: { id: string } }) => s.peerSupporter.id,
    );
    expect(everyone).not.toContain(coordinatorId);
  });

  it('when a peer supporter fills their caseload through assignment, then they move to the excluded list', async () => {
    const coordinator = as(t, await userToken(await addToRoster(t, { role: 'coordinator' })));
    const full = await addToRoster(t, member('Tess', ['es'], [], [], 1));
    const first = await acceptedReferralFor(t, { preferredLanguage: 'es' });
    const before = await suggestions(coordinator, first.id, { limit: 50 });
    expect(before.body.suggestions.map((s: Ranked) => s.peerSupporter.id)).toContain(full);
    const assigned = await coordinator
      .post(`/api/care-team/referrals/${first.id}/assignment`)
      .send({ peerSupporterId: full });
    expect(assigned.status).toBe(200);
    const next = await acceptedReferralFor(t, { preferredLanguage: 'es' });
    const after = await suggestions(coordinator, next.id, { limit: 50 });
    expect(after.body.suggestions.map((s: Ranked) => s.peerSupporter.id)).not.toContain(full);
    expect(
      after.body.excluded.find((e: { peerSupporter: { id: string } }) => e.peerSupporter.id === full),
    ).toEqual({
      peerSupporter: expect.objectContaining({ id: full, name: 'Tess Test' }),
      reasons: [{ code: 'at-capacity', explanation: 'Caseload full: 1 of 1.' }],
    });
    expect(after.body.candidateTotal).toBe(before.body.candidateTotal - 1);
    expect(after.body.excludedTotal).toBe(before.body.excludedTotal + 1);
  });
});
