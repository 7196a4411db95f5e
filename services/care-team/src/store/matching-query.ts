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

/** Who holds a certification valid on $1: computed once per query, then hash-joined. */
const CERTIFIED = `SELECT c.peer_supporter_id FROM care_team.certification c
  WHERE c.valid_from <= $1::date AND c.valid_until >= $1::date`;

/**
 * How many of the wanted codes ($3) a row's lived experience holds, as one array containment
 * test per wanted code: no subquery runs per row. `count` is at most 13 (the contract's limit,
 * and the number of codes there are), and only ever a number this module computes.
 */
function sharedCount(count: number): string {
  const terms = Array.from(
    { length: count },
    (_, k) => `(p.lived_experience @> ARRAY[($3::text[])[${k + 1}]])::int`,
  );
  return terms.length > 0 ? terms.join(' + ') : '0';
}

/**
 * The best candidates, ranked in SQL. Eligibility (role, active, caseload below the limit, a
 * certification valid today via a hash semi-join) filters the roster before anything is scored;
 * each eligible row is then scored with array operators only (language containment, lived
 * experience containment per wanted code, availability overlap `&&`, and continuity against the
 * patient's past peer supporters, read once), and only the top `limit` rows get the exact shared
 * codes and overlapping hours the explanation names. Ties go by id in byte order (COLLATE "C"),
 * the same on every database whatever its default collation. The score is the one domain/matching.ts
 * explains (POINTS), so both agree on the order.
 */
export async function rankCandidates(
  q: Queryable,
  request: MatchRequest,
): Promise<{ rows: CandidateRow[]; candidateTotal: number }> {
  const wanted = [...new Set(request.livedExperience)];
  const rows = await q.query<{
    id: string;
    role_id: string;
    speaks: boolean;
    shared: string[];
    overlap: number;
    worked: boolean;
    remaining: number;
    score: string | number;
    candidate_total: string | number;
  }>(
    `SELECT id, role_id, speaks, worked, remaining, score, candidate_total,
       ARRAY(SELECT unnest(lived_experience) INTERSECT SELECT unnest($3::text[]) ORDER BY 1) AS shared,
       cardinality(ARRAY(SELECT unnest(available_hours) INTERSECT SELECT unnest($4::smallint[]))) AS overlap
     FROM (
       SELECT id, role_id, lived_experience, available_hours, speaks, worked, remaining,
         count(*) OVER () AS candidate_total,
         (CASE WHEN speaks THEN ${POINTS.language} ELSE 0 END)
         + ${POINTS.livedExperience} * shared_count
         + (CASE WHEN any_overlap THEN ${POINTS.availability} ELSE 0 END)
         + (CASE WHEN worked THEN ${POINTS.continuity} ELSE 0 END)
         + ${POINTS.capacity} * LEAST(remaining, 1000) AS score
       FROM (
         SELECT p.id, p.role_id, p.lived_experience, p.available_hours,
           COALESCE($2::text = ANY(p.languages), false) AS speaks,
           ${sharedCount(wanted.length)} AS shared_count,
           p.available_hours && $4::smallint[] AS any_overlap,
           p.id = ANY(ARRAY(SELECT a.peer_supporter_id FROM care_team.assignment a WHERE a.patient = $5)) AS worked,
           p.max_caseload - p.active_care_teams AS remaining
         FROM care_team.peer_supporter p
         WHERE p.role = 'peer-supporter' AND p.active AND p.active_care_teams < p.max_caseload
           AND p.id IN (${CERTIFIED})
       ) AS candidate
       ORDER BY score DESC, id COLLATE "C"
       LIMIT $6
     ) AS best
     ORDER BY score DESC, id COLLATE "C"`,
    [request.today, request.language ?? null, wanted, request.contactHours, request.patient, request.limit],
  );
  return {
    rows: rows.map((row) => ({
      id: row.id,
      roleId: row.role_id,
      speaksLanguage: row.speaks,
      sharedLivedExperience: row.shared,
      overlappingHours: Number(row.overlap),
      workedWithPatient: row.worked,
      remainingCapacity: Number(row.remaining),
      score: Number(row.score),
    })),
    candidateTotal: Number(rows[0]?.candidate_total ?? 0),
  };
}

/** Every peer supporter with whether they hold a valid certification and can take a referral. */
const ROSTER_WITH_ELIGIBILITY = `SELECT p.id, p.role_id, p.active, p.sort_name, p.active_care_teams, p.max_caseload,
    certified.peer_supporter_id IS NOT NULL AS certified,
    p.active AND p.active_care_teams < p.max_caseload AND certified.peer_supporter_id IS NOT NULL AS eligible
  FROM care_team.peer_supporter p
  LEFT JOIN (SELECT DISTINCT peer_supporter_id FROM (${CERTIFIED}) AS valid) AS certified
    ON certified.peer_supporter_id = p.id
  WHERE p.role = 'peer-supporter'`;

/**
 * Peer supporters who cannot take the referral (the first `limit`, active ones first, then by
 * name) and how many there are, counted in the same scan.
 */
export async function excludedPeerSupporters(
  q: Queryable,
  today: string,
  limit: number,
): Promise<{ rows: ExcludedRow[]; excludedTotal: number }> {
  const rows = await q.query<{
    id: string;
    role_id: string;
    active: boolean;
    certified: boolean;
    active_care_teams: number;
    max_caseload: number;
    excluded_total: string | number;
  }>(
    `SELECT id, role_id, active, certified, active_care_teams, max_caseload, count(*) OVER () AS excluded_total
     FROM (${ROSTER_WITH_ELIGIBILITY}) AS roster
     WHERE NOT eligible
     ORDER BY active DESC, sort_name, id LIMIT $2`,
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
    excludedTotal: Number(rows[0]?.excluded_total ?? 0),
  };
}
