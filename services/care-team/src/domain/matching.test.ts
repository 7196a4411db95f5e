import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { LIVED_EXPERIENCE_CODES } from '../fhir/codes.js';
import { explain, POINTS, type CandidateFacts, type Wanted } from './matching.js';

const WANTED: Wanted = {
  language: 'es',
  livedExperience: ['depression', 'trauma'],
  contactTime: 'Weekday evenings after 6pm',
  contactHours: [18, 19, 20],
  contactReading: 'Mon–Fri 18:00–21:00',
};

function facts(overrides: Partial<CandidateFacts> = {}): CandidateFacts {
  return {
    firstName: 'Maria',
    languages: ['es-MX', 'en'],
    speaksLanguage: true,
    sharedLivedExperience: ['depression'],
    overlappingHours: 2,
    availabilityText: 'Mon, Wed 17:00–20:00',
    workedWithPatient: true,
    remainingCapacity: 3,
    ...overrides,
  };
}

/** The ranking the contract states, factor by factor: larger is better in each position. */
function rankKey(f: CandidateFacts): number[] {
  return [
    f.speaksLanguage ? 1 : 0,
    f.sharedLivedExperience.length,
    f.overlappingHours > 0 ? 1 : 0,
    f.workedWithPatient ? 1 : 0,
    f.remainingCapacity,
  ];
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      return a[i]! - b[i]!;
    }
  }
  return 0;
}

/** Any candidate the store could return: capacity up to maxCaseload's limit in the contract (1,000). */
const candidateFacts: fc.Arbitrary<CandidateFacts> = fc.record({
  firstName: fc.constant('Sam'),
  languages: fc.constant(['en']),
  speaksLanguage: fc.boolean(),
  sharedLivedExperience: fc.subarray([...LIVED_EXPERIENCE_CODES]),
  overlappingHours: fc.integer({ min: 0, max: 168 }),
  availabilityText: fc.constant('Mon 09:00–17:00'),
  workedWithPatient: fc.boolean(),
  remainingCapacity: fc.integer({ min: 0, max: 1000 }),
});

describe('POINTS', () => {
  it('when any two candidates are compared, then ordering by score is ordering by (language, shared lived experience, availability, continuity, remaining capacity)', () => {
    fc.assert(
      fc.property(candidateFacts, candidateFacts, (a, b) => {
        const byScore = Math.sign(explain(WANTED, a).score - explain(WANTED, b).score);
        expect(byScore).toBe(Math.sign(compareKeys(rankKey(a), rankKey(b))));
      }),
      { numRuns: 5000 },
    );
  });

  it('when lists of candidates are sorted by score, then they are in lexicographic factor order', () => {
    fc.assert(
      fc.property(fc.array(candidateFacts, { maxLength: 30 }), (list) => {
        const byScore = [...list].sort((a, b) => explain(WANTED, b).score - explain(WANTED, a).score);
        const byFactors = [...list].sort((a, b) => compareKeys(rankKey(b), rankKey(a)));
        expect(byScore.map(rankKey)).toEqual(byFactors.map(rankKey));
      }),
    );
  });

  it('when every factor is at its best, then the score is the sum of each factor’s most', () => {
    const best = facts({
      sharedLivedExperience: [...LIVED_EXPERIENCE_CODES],
      remainingCapacity: 1000,
    });
    expect(explain(WANTED, best).score).toBe(
      POINTS.language +
        POINTS.livedExperience * LIVED_EXPERIENCE_CODES.length +
        POINTS.availability +
        POINTS.continuity +
        POINTS.capacity * 1000,
    );
    expect(explain(WANTED, best).score).toBe(1_138_500);
  });
});

describe('explain', () => {
  it('when every factor is met, then each entry says why, with its points', () => {
    expect(explain(WANTED, facts())).toEqual({
      score: 1_000_000 + 10_000 + 5_000 + 2_500 + 3,
      factors: [
        {
          factor: 'language',
          met: true,
          points: 1_000_000,
          explanation: "Maria speaks es, the patient's preferred language.",
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
            "Available Mon, Wed 17:00–20:00, overlapping the patient's preferred Mon–Fri 18:00–21:00 by 2 h a week.",
        },
        {
          factor: 'continuity',
          met: true,
          points: 2_500,
          explanation: 'Maria has supported this patient before.',
        },
        { factor: 'capacity', met: true, points: 3, explanation: '3 more patients before a full caseload.' },
      ],
    });
  });

  it('when no factor is met, then each entry says what is missing and scores nothing', () => {
    const result = explain(
      WANTED,
      facts({
        languages: ['en', 'fr'],
        speaksLanguage: false,
        sharedLivedExperience: [],
        overlappingHours: 0,
        availabilityText: 'Sat 10:00–12:00',
        workedWithPatient: false,
        remainingCapacity: 1,
      }),
    );
    expect(result).toEqual({
      score: 1,
      factors: [
        {
          factor: 'language',
          met: false,
          points: 0,
          explanation: 'Maria does not speak es (speaks en, fr).',
        },
        {
          factor: 'lived-experience',
          met: false,
          points: 0,
          explanation: 'No lived experience of depression, trauma.',
        },
        {
          factor: 'availability',
          met: false,
          points: 0,
          explanation: "Available Sat 10:00–12:00, not during the patient's preferred Mon–Fri 18:00–21:00.",
        },
        {
          factor: 'continuity',
          met: false,
          points: 0,
          explanation: 'Maria has not supported this patient before.',
        },
        { factor: 'capacity', met: true, points: 1, explanation: '1 more patient before a full caseload.' },
      ],
    });
  });

  it('when the referral names no language, lived experience or contact time, then those factors say so', () => {
    const result = explain(
      {
        language: undefined,
        livedExperience: [],
        contactTime: undefined,
        contactHours: undefined,
        contactReading: undefined,
      },
      facts(),
    );
    expect(result.factors.slice(0, 3)).toEqual([
      { factor: 'language', met: false, points: 0, explanation: 'The referral names no preferred language.' },
      {
        factor: 'lived-experience',
        met: false,
        points: 0,
        explanation: 'Nothing in the referral says what lived experience would help.',
      },
      {
        factor: 'availability',
        met: false,
        points: 0,
        explanation: 'The referral gives no preferred contact time.',
      },
    ]);
    expect(result.score).toBe(2_500 + 3);
  });

  it('when the contact time could not be read, then the availability factor quotes it', () => {
    const result = explain(
      { ...WANTED, contactTime: 'ASAP', contactHours: undefined, contactReading: undefined },
      facts(),
    );
    expect(result.factors[2]).toEqual({
      factor: 'availability',
      met: false,
      points: 0,
      explanation: 'The patient\'s preferred contact time ("ASAP") names no days or times to compare.',
    });
  });

  it('when two lived experiences are shared, then both are named and both count', () => {
    const result = explain(WANTED, facts({ sharedLivedExperience: ['depression', 'trauma'] }));
    expect(result.factors[1]).toEqual({
      factor: 'lived-experience',
      met: true,
      points: 20_000,
      explanation: 'Shares lived experience of depression, trauma (asked for: depression, trauma).',
    });
  });
});
