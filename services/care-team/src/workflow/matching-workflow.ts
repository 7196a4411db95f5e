import type { Practitioner, PractitionerRole } from '@medplum/fhirtypes';
import { notFound, type Database, type Repository } from '@peerbridge/shared';
import { assertCoordinator, type CallerRole } from '../domain/caller-role.js';
import { explain, type FactorResult, type Wanted } from '../domain/matching.js';
import { primaryLanguage } from '../domain/peer-supporter.js';
import { describeAvailability, readContactTime } from '../domain/schedule.js';
import { wantedLivedExperience } from '../domain/wanted-lived-experience.js';
import { profileFromFhir } from '../fhir/roster-from-fhir.js';
import { excludedPeerSupporters, rankCandidates, type ExcludedRow } from '../store/matching-query.js';
import { findReferral } from '../store/referral-tables.js';
import { loadRosterResources } from './roster-resources.js';

export interface PeerSupporterSummary {
  readonly id: string;
  readonly name: string;
  readonly practitioner: string;
  readonly practitionerRole: string;
}

export interface Suggestion {
  readonly rank: number;
  readonly score: number;
  readonly peerSupporter: PeerSupporterSummary;
  readonly explanation: FactorResult[];
}

export type ExclusionCode = 'inactive' | 'no-valid-certification' | 'at-capacity';

export interface Exclusion {
  readonly peerSupporter: PeerSupporterSummary;
  readonly reasons: { code: ExclusionCode; explanation: string }[];
}

export interface SuggestionResult {
  readonly referralId: string;
  readonly wanted: Wanted;
  readonly suggestions: Suggestion[];
  readonly candidateTotal: number;
  readonly excluded: Exclusion[];
  readonly excludedTotal: number;
}

/** Suggestions for a referral: ranked in SQL (store/matching-query.ts), explained here. */
export class MatchingWorkflow {
  constructor(private readonly db: Database) {}

  async suggest(
    repo: Repository,
    role: CallerRole,
    referralId: string,
    options: { livedExperience?: readonly string[]; limit: number; today?: string },
  ): Promise<SuggestionResult> {
    assertCoordinator(role, 'see suggestions');
    const referral = await findReferral(this.db, referralId);
    if (!referral) {
      throw notFound(`Referral ${referralId} not found`);
    }
    const contact = readContactTime(referral.contactTime);
    const wanted: Wanted = {
      language: referral.preferredLanguage,
      livedExperience: options.livedExperience ?? wantedLivedExperience(referral.reasonCodes),
      contactTime: referral.contactTime,
      contactHours: contact?.hours,
      contactReading: contact?.reading,
    };
    const today = options.today ?? new Date().toISOString().slice(0, 10);
    const [ranked, exclusions] = await Promise.all([
      rankCandidates(this.db, {
        language: wanted.language ? primaryLanguage(wanted.language) : undefined,
        livedExperience: wanted.livedExperience,
        contactHours: contact?.hours ?? [],
        patient: referral.patient,
        today,
        limit: options.limit,
      }),
      excludedPeerSupporters(this.db, today, options.limit),
    ]);
    const candidates = ranked.rows;
    const resources = await loadRosterResources(repo, [
      ...candidates.map((c) => c.id),
      ...exclusions.rows.map((e) => e.id),
    ]);
    const suggestions = candidates.flatMap((candidate, index): Suggestion[] => {
      const found = resources.get(candidate.id);
      if (!found) {
        return [];
      }
      const profile = profileFromFhir(found.practitioner, found.role);
      const { score, factors } = explain(wanted, {
        firstName: profile.name.given[0] ?? profile.name.family,
        languages: profile.languages,
        speaksLanguage: candidate.speaksLanguage,
        sharedLivedExperience: candidate.sharedLivedExperience,
        overlappingHours: candidate.overlappingHours,
        availabilityText: describeAvailability(profile.availability),
        workedWithPatient: candidate.workedWithPatient,
        remainingCapacity: candidate.remainingCapacity,
      });
      return [
        {
          rank: index + 1,
          score,
          peerSupporter: summaryOf(found.practitioner, found.role),
          explanation: factors,
        },
      ];
    });
    const excluded = exclusions.rows.flatMap((row): Exclusion[] => {
      const found = resources.get(row.id);
      return found
        ? [{ peerSupporter: summaryOf(found.practitioner, found.role), reasons: reasonsOf(row, today) }]
        : [];
    });
    return {
      referralId,
      wanted,
      suggestions,
      candidateTotal: ranked.candidateTotal,
      excluded,
      excludedTotal: exclusions.excludedTotal,
    };
  }
}

export function summaryOf(practitioner: Practitioner, role: PractitionerRole): PeerSupporterSummary {
  const name = practitioner.name?.[0];
  return {
    id: practitioner.id!,
    name: [...(name?.given ?? []), name?.family ?? ''].join(' ').trim(),
    practitioner: `Practitioner/${practitioner.id}`,
    practitionerRole: `PractitionerRole/${role.id}`,
  };
}

function reasonsOf(row: ExcludedRow, today: string): Exclusion['reasons'] {
  const reasons: Exclusion['reasons'] = [];
  if (!row.active) {
    reasons.push({ code: 'inactive', explanation: 'Not active on the roster.' });
  }
  if (!row.certified) {
    reasons.push({ code: 'no-valid-certification', explanation: `No certification valid on ${today}.` });
  }
  if (row.activeCareTeams >= row.maxCaseload) {
    reasons.push({
      code: 'at-capacity',
      explanation: `Caseload full: ${row.activeCareTeams} of ${row.maxCaseload}.`,
    });
  }
  return reasons;
}
