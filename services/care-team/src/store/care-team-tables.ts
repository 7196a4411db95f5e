import type { Actor, Queryable } from '@peerbridge/shared';
import type { CareTeamStatus } from '../domain/care-team-lifecycle.js';

export interface CareTeamRow {
  readonly id: string;
  readonly referralId: string;
  readonly patient: string;
  readonly status: CareTeamStatus;
  readonly peerSupporterId: string | undefined;
}

interface Row {
  id: string;
  referral_id: string;
  patient: string;
  status: CareTeamStatus;
  peer_supporter_id: string | null;
}

export async function insertCareTeam(q: Queryable, row: CareTeamRow, at: string): Promise<void> {
  await q.query(
    `INSERT INTO care_team.care_team (id, referral_id, patient, status, peer_supporter_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [row.id, row.referralId, row.patient, row.status, row.peerSupporterId ?? null, at],
  );
}

/** The referral's care team, locked until the transaction ends. */
export async function lockCareTeamOfReferral(
  q: Queryable,
  referralId: string,
): Promise<CareTeamRow | undefined> {
  const [row] = await q.query<Row>(
    `SELECT id, referral_id, patient, status, peer_supporter_id FROM care_team.care_team
     WHERE referral_id = $1 FOR UPDATE`,
    [referralId],
  );
  return row && rowOf(row);
}

export async function updateCareTeamRow(
  q: Queryable,
  id: string,
  change: { status: CareTeamStatus; peerSupporterId: string | undefined; assignedAt?: string },
): Promise<void> {
  await q.query(
    `UPDATE care_team.care_team SET status = $2, peer_supporter_id = $3,
       assigned_at = COALESCE($4::timestamptz, assigned_at) WHERE id = $1`,
    [id, change.status, change.peerSupporterId ?? null, change.assignedAt ?? null],
  );
}

export interface AssignmentRecord {
  readonly careTeamId: string;
  readonly peerSupporterId: string;
  readonly patient: string;
  readonly at: string;
  readonly reason: string | undefined;
  readonly override: boolean;
  readonly actor: Actor;
}

/** Ends the current assignment of the care team (if any) and records the new one. */
export async function recordAssignment(q: Queryable, record: AssignmentRecord): Promise<void> {
  await endAssignment(q, record.careTeamId, record.at);
  await q.query(
    `INSERT INTO care_team.assignment
       (care_team_id, peer_supporter_id, patient, started_at, reason, override, actor)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
    [
      record.careTeamId,
      record.peerSupporterId,
      record.patient,
      record.at,
      record.reason ?? null,
      record.override,
      JSON.stringify(record.actor),
    ],
  );
}

export async function endAssignment(q: Queryable, careTeamId: string, at: string): Promise<void> {
  await q.query(
    'UPDATE care_team.assignment SET ended_at = $2 WHERE care_team_id = $1 AND ended_at IS NULL',
    [careTeamId, at],
  );
}

export interface CaseloadRow {
  readonly careTeamId: string;
  readonly referralId: string;
  readonly patient: string;
  readonly since: string;
  readonly lastSessionDate: string | undefined;
}

/** A peer supporter's proposed and active care teams, newest assignment first. */
export async function caseloadOf(q: Queryable, peerSupporterId: string): Promise<CaseloadRow[]> {
  const rows = await q.query<{
    id: string;
    referral_id: string;
    patient: string;
    assigned_at: string | Date;
    last_session_date: string | Date | null;
  }>(
    `SELECT id, referral_id, patient, assigned_at, last_session_date FROM care_team.care_team
     WHERE peer_supporter_id = $1 AND status IN ('proposed', 'active') ORDER BY assigned_at DESC, id`,
    [peerSupporterId],
  );
  return rows.map((row) => ({
    careTeamId: row.id,
    referralId: row.referral_id,
    patient: row.patient,
    since: new Date(row.assigned_at).toISOString(),
    lastSessionDate: row.last_session_date ? isoDate(row.last_session_date) : undefined,
  }));
}

/** The ids of the care teams a peer supporter has ever been on (current and past). */
export async function careTeamsOfPeerSupporter(q: Queryable, peerSupporterId: string): Promise<string[]> {
  const rows = await q.query<{ care_team_id: string }>(
    'SELECT DISTINCT care_team_id FROM care_team.assignment WHERE peer_supporter_id = $1',
    [peerSupporterId],
  );
  return rows.map((row) => row.care_team_id);
}

function isoDate(value: string | Date): string {
  return typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10);
}

function rowOf(row: Row): CareTeamRow {
  return {
    id: row.id,
    referralId: row.referral_id,
    patient: row.patient,
    status: row.status,
    peerSupporterId: row.peer_supporter_id ?? undefined,
  };
}

/** The care team of the referral had a session on `date` (the latest one is kept). */
export async function recordSessionDate(q: Queryable, referralId: string, date: string): Promise<void> {
  await q.query(
    `UPDATE care_team.care_team SET last_session_date = GREATEST(COALESCE(last_session_date, $2::date), $2::date)
     WHERE referral_id = $1`,
    [referralId, date],
  );
}
