import type { Queryable } from '@peerbridge/shared';
import { POINTS } from '../domain/matching.js';

export interface MatchRequest {
  /** Primary language subtag wanted, lower-case; undefined when the referral names none. */
  readonly language: string | undefined;
  readonly livedExperience: readonly string[];
  readonly contactHours: readonly number[];
  readonly patient: string;
  /** ISO date: certifications must be valid on it. */
  readonly today: string;
  readonly limit: number;
}

export interface CandidateRow {
  readonly id: string;
  readonly roleId: string;
  readonly speaksLanguage: boolean;
  readonly sharedLivedExperience: string[];
  readonly overlappingHours: number;
  readonly workedWithPatient: boolean;
  readonly remainingCapacity: number;
  readonly score: number;
}

export interface ExcludedRow {
  readonly id: string;
  readonly roleId: string;
  readonly active: boolean;
  readonly certified: boolean;
  readonly activeCareTeams: number;
  readonly maxCaseload: number;
}

const CERTIFIED = `EXISTS (SELECT 1 FROM care_team.certification c
  WHERE c.peer_supporter_id = p.id AND c.valid_from <= $1::date AND c.valid_until >= $1::date)`;
const ELIGIBLE = `p.active AND p.active_care_teams < p.max_caseload AND ${CERTIFIED}`;

/**
 * The best candidates, ranked in SQL: eligibility is filtered by indexed columns (role, active)
 * and the certification index before anything is scored, and only `limit` rows come back. The
 * score is the one domain/matching.ts explains (POINTS), so both agree on the order.
 */
export async function rankCandidates(q: Queryable, request: MatchRequest): Promise<CandidateRow[]> {
  const rows = await q.query<{
    id: string;
    role_id: string;
    speaks: boolean;
    shared: string[];
    overlap: number;
    worked: boolean;
    remaining: number;
    score: string | number;
  }>(
    `SELECT id, role_id, speaks, shared, overlap, worked, remaining,
       (CASE WHEN speaks THEN ${POINTS.language} ELSE 0 END)
       + ${POINTS.livedExperience} * cardinality(shared)
       + (CASE WHEN overlap > 0 THEN ${POINTS.availability} ELSE 0 END)
       + (CASE WHEN worked THEN ${POINTS.continuity} ELSE 0 END)
       + ${POINTS.capacity} * LEAST(remaining, 1000) AS score
     FROM (
       SELECT p.id, p.role_id,
         COALESCE($2::text = ANY(p.languages), false) AS speaks,
         ARRAY(SELECT unnest(p.lived_experience) INTERSECT SELECT unnest($3::text[]) ORDER BY 1) AS shared,
         cardinality(ARRAY(SELECT unnest(p.available_hours) INTERSECT SELECT unnest($4::smallint[]))) AS overlap,
         EXISTS (SELECT 1 FROM care_team.assignment a WHERE a.patient = $5 AND a.peer_supporter_id = p.id) AS worked,
         p.max_caseload - p.active_care_teams AS remaining
       FROM care_team.peer_supporter p
       WHERE p.role = 'peer-supporter' AND ${ELIGIBLE}
     ) AS candidate
     ORDER BY score DESC, id
     LIMIT $6`,
    [
      request.today,
      request.language ?? null,
      request.livedExperience,
      request.contactHours,
      request.patient,
      request.limit,
    ],
  );
  return rows.map((row) => ({
    id: row.id,
    roleId: row.role_id,
    speaksLanguage: row.speaks,
    sharedLivedExperience: row.shared,
    overlappingHours: Number(row.overlap),
    workedWithPatient: row.worked,
    remainingCapacity: Number(row.remaining),
    score: Number(row.score),
  }));
}

/** Peer supporters who cannot take the referral, and how many candidates and exclusions there are. */
export async function excludedPeerSupporters(
  q: Queryable,
  today: string,
  limit: number,
): Promise<{ rows: ExcludedRow[]; candidateTotal: number; excludedTotal: number }> {
  const [counts] = await q.query<{ candidates: string; excluded: string }>(
    `SELECT count(*) FILTER (WHERE ${ELIGIBLE}) AS candidates,
            count(*) FILTER (WHERE NOT (${ELIGIBLE})) AS excluded
     FROM care_team.peer_supporter p WHERE p.role = 'peer-supporter'`,
    [today],
  );
  const rows = await q.query<{
    id: string;
    role_id: string;
    active: boolean;
    certified: boolean;
    active_care_teams: number;
    max_caseload: number;
  }>(
    `SELECT p.id, p.role_id, p.active, ${CERTIFIED} AS certified, p.active_care_teams, p.max_caseload
     FROM care_team.peer_supporter p
     WHERE p.role = 'peer-supporter' AND NOT (${ELIGIBLE})
     ORDER BY p.active DESC, p.sort_name, p.id LIMIT $2`,
    [today, limit],
  );
  return {
    rows: rows.map((row) => ({
      id: row.id,
      roleId: row.role_id,
      active: row.active,
      certified: row.certified,
      activeCareTeams: row.active_care_teams,
      maxCaseload: row.max_caseload,
    })),
    candidateTotal: Number(counts?.candidates ?? 0),
    excludedTotal: Number(counts?.excluded ?? 0),
  };
}
