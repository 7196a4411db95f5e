/**
 * How suggestions are ranked: by five factors in strict order of importance. The score encodes
 * that order exactly (each factor's points exceed the most every less important factor can add
 * together), so sorting by score is sorting by the factors one after another.
 */
export const POINTS = {
  language: 1_000_000,
  /** Per lived-experience code in common; at most 13 codes, so at most 130,000. */
  livedExperience: 10_000,
  availability: 5_000,
  continuity: 2_500,
  /** One per place left in the caseload, at most 1,000 (maxCaseload's limit in the contract). */
  capacity: 1,
} as const;

export type Factor = 'language' | 'lived-experience' | 'availability' | 'continuity' | 'capacity';

export interface FactorResult {
  readonly factor: Factor;
  readonly met: boolean;
  readonly points: number;
  readonly explanation: string;
}

/** What the referral asks for. */
export interface Wanted {
  readonly language: string | undefined;
  readonly livedExperience: readonly string[];
  readonly contactTime: string | undefined;
  /** The contact time read as hours of the week; undefined when it could not be read. */
  readonly contactHours: readonly number[] | undefined;
  readonly contactReading: string | undefined;
}

/** What one candidate brings, as the store found it. */
export interface CandidateFacts {
  readonly firstName: string;
  readonly languages: readonly string[];
  readonly speaksLanguage: boolean;
  readonly sharedLivedExperience: readonly string[];
  readonly overlappingHours: number;
  readonly availabilityText: string;
  readonly workedWithPatient: boolean;
  readonly remainingCapacity: number;
}

/** The explanation of one candidate's rank, a factor per entry, and its score. */
export function explain(wanted: Wanted, facts: CandidateFacts): { score: number; factors: FactorResult[] } {
  const factors: FactorResult[] = [
    language(wanted, facts),
    livedExperience(wanted, facts),
    availability(wanted, facts),
    continuity(facts),
    capacity(facts),
  ];
  return { score: factors.reduce((sum, factor) => sum + factor.points, 0), factors };
}

function language(wanted: Wanted, facts: CandidateFacts): FactorResult {
  if (!wanted.language) {
    return {
      factor: 'language',
      met: false,
      points: 0,
      explanation: 'The referral names no preferred language.',
    };
  }
  return facts.speaksLanguage
    ? {
        factor: 'language',
        met: true,
        points: POINTS.language,
        explanation: `${facts.firstName} speaks ${wanted.language}, the patient's preferred language.`,
      }
    : {
        factor: 'language',
        met: false,
        points: 0,
        explanation: `${facts.firstName} does not speak ${wanted.language} (speaks ${facts.languages.join(', ')}).`,
      };
}

function livedExperience(wanted: Wanted, facts: CandidateFacts): FactorResult {
  const shared = facts.sharedLivedExperience;
  if (wanted.livedExperience.length === 0) {
    return {
      factor: 'lived-experience',
      met: false,
      points: 0,
      explanation: 'Nothing in the referral says what lived experience would help.',
    };
  }
  return shared.length > 0
    ? {
        factor: 'lived-experience',
        met: true,
        points: POINTS.livedExperience * shared.length,
        explanation: `Shares lived experience of ${shared.join(', ')} (asked for: ${wanted.livedExperience.join(', ')}).`,
      }
    : {
        factor: 'lived-experience',
        met: false,
        points: 0,
        explanation: `No lived experience of ${wanted.livedExperience.join(', ')}.`,
      };
}

function availability(wanted: Wanted, facts: CandidateFacts): FactorResult {
  if (!wanted.contactHours) {
    return {
      factor: 'availability',
      met: false,
      points: 0,
      explanation: wanted.contactTime
        ? `The patient's preferred contact time ("${wanted.contactTime}") names no days or times to compare.`
        : 'The referral gives no preferred contact time.',
    };
  }
  return facts.overlappingHours > 0
    ? {
        factor: 'availability',
        met: true,
        points: POINTS.availability,
        explanation: `Available ${facts.availabilityText}, overlapping the patient's preferred ${wanted.contactReading} by ${facts.overlappingHours} h a week.`,
      }
    : {
        factor: 'availability',
        met: false,
        points: 0,
        explanation: `Available ${facts.availabilityText}, not during the patient's preferred ${wanted.contactReading}.`,
      };
}

function continuity(facts: CandidateFacts): FactorResult {
  return facts.workedWithPatient
    ? {
        factor: 'continuity',
        met: true,
        points: POINTS.continuity,
        explanation: `${facts.firstName} has supported this patient before.`,
      }
    : {
        factor: 'continuity',
        met: false,
        points: 0,
        explanation: `${facts.firstName} has not supported this patient before.`,
      };
}

function capacity(facts: CandidateFacts): FactorResult {
  return {
    factor: 'capacity',
    met: facts.remainingCapacity > 0,
    points: POINTS.capacity * Math.min(facts.remainingCapacity, 1000),
    explanation: `${facts.remainingCapacity} more ${facts.remainingCapacity === 1 ? 'patient' : 'patients'} before a full caseload.`,
  };
}
