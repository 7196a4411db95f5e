import type { Queryable } from '@peerbridge/shared';
import type { Certification, RosterRole } from '../domain/peer-supporter.js';

/** The row that indexes one roster member for matching, listing and access rules. */
export interface RosterRow {
  readonly id: string;
  readonly roleId: string;
  readonly role: RosterRole;
  readonly active: boolean;
  readonly sortName: string;
  readonly languages: readonly string[];
  readonly livedExperience: readonly string[];
  readonly maxCaseload: number;
  readonly availableHours: readonly number[];
  readonly certifications: readonly Certification[];
}

export interface RosterEntry {
  readonly id: string;
  readonly roleId: string;
  readonly role: RosterRole;
  readonly active: boolean;
  readonly maxCaseload: number;
  readonly activeCareTeams: number;
}

interface EntryRow {
  id: string;
  role_id: string;
  role: RosterRole;
  active: boolean;
  max_caseload: number;
  active_care_teams: number;
}

const ENTRY_COLUMNS = 'id, role_id, role, active, max_caseload, active_care_teams';

/** Writes the row (new or replaced) and its certifications, in the caller's transaction. */
export async function saveRosterRow(q: Queryable, row: RosterRow): Promise<void> {
  await q.query(
    `INSERT INTO care_team.peer_supporter
       (id, role_id, role, active, sort_name, languages, lived_experience, max_caseload, available_hours)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (id) DO UPDATE SET role = EXCLUDED.role, active = EXCLUDED.active,
       sort_name = EXCLUDED.sort_name, languages = EXCLUDED.languages,
       lived_experience = EXCLUDED.lived_experience, max_caseload = EXCLUDED.max_caseload,
       available_hours = EXCLUDED.available_hours`,
    [
      row.id,
      row.roleId,
      row.role,
      row.active,
      row.sortName,
      row.languages,
      row.livedExperience,
      row.maxCaseload,
      row.availableHours,
    ],
  );
  await q.query('DELETE FROM care_team.certification WHERE peer_supporter_id = $1', [row.id]);
  for (const certification of row.certifications) {
    await q.query(
      `INSERT INTO care_team.certification (peer_supporter_id, code, valid_from, valid_until)
       VALUES ($1, $2, $3, $4)`,
      [row.id, certification.code, certification.validFrom, certification.validUntil],
    );
  }
}

export async function findRosterEntry(
  q: Queryable,
  id: string,
  options: { lock?: boolean } = {},
): Promise<RosterEntry | undefined> {
  const [row] = await q.query<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM care_team.peer_supporter WHERE id = $1${options.lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return row && entryOf(row);
}

export async function setActive(q: Queryable, id: string, active: boolean): Promise<void> {
  await q.query('UPDATE care_team.peer_supporter SET active = $2 WHERE id = $1', [id, active]);
}

/** One more (or one fewer) care team on their caseload. */
export async function adjustCaseload(q: Queryable, id: string, delta: 1 | -1): Promise<void> {
  await q.query(
    'UPDATE care_team.peer_supporter SET active_care_teams = active_care_teams + $2 WHERE id = $1',
    [id, delta],
  );
}

export interface RosterFilter {
  readonly ids?: readonly string[];
  readonly language?: string;
  readonly livedExperience?: string;
  readonly role?: RosterRole;
  readonly active?: boolean;
  readonly hasCapacity?: boolean;
  readonly certifiedOn?: string;
}

/** One page of roster ids, by name, and how many match. */
export async function listRoster(
  q: Queryable,
  filter: RosterFilter,
  limit: number,
  offset: number,
): Promise<{ ids: string[]; total: number }> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (placeholder: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(sql(`$${params.length}`));
  };
  if (filter.ids) add((p) => `id = ANY(${p})`, filter.ids);
  if (filter.language) add((p) => `${p} = ANY(languages)`, filter.language);
  if (filter.livedExperience) add((p) => `${p} = ANY(lived_experience)`, filter.livedExperience);
  if (filter.role) add((p) => `role = ${p}`, filter.role);
  if (filter.active !== undefined) add((p) => `active = ${p}`, filter.active);
  if (filter.hasCapacity !== undefined) {
    conditions.push(
      filter.hasCapacity ? 'active_care_teams < max_caseload' : 'active_care_teams >= max_caseload',
    );
  }
  if (filter.certifiedOn) {
    add(
      (p) =>
        `EXISTS (SELECT 1 FROM care_team.certification c WHERE c.peer_supporter_id = id
           AND c.valid_from <= ${p}::date AND c.valid_until >= ${p}::date)`,
      filter.certifiedOn,
    );
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const [count] = await q.query<{ total: string }>(
    `SELECT count(*) AS total FROM care_team.peer_supporter ${where}`,
    params,
  );
  const rows = await q.query<{ id: string }>(
    `SELECT id FROM care_team.peer_supporter ${where} ORDER BY sort_name, id
     LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, limit, offset],
  );
  return { ids: rows.map((row) => row.id), total: Number(count?.total ?? 0) };
}

export async function caseloadCounts(q: Queryable, ids: readonly string[]): Promise<Map<string, number>> {
  const rows = await q.query<{ id: string; active_care_teams: number }>(
    'SELECT id, active_care_teams FROM care_team.peer_supporter WHERE id = ANY($1)',
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row.active_care_teams]));
}

function entryOf(row: EntryRow): RosterEntry {
  return {
    id: row.id,
    roleId: row.role_id,
    role: row.role,
    active: row.active,
    maxCaseload: row.max_caseload,
    activeCareTeams: row.active_care_teams,
  };
}

/**
 * Claims a roster id for a new member: false when it is taken. The row is completed by
 * saveRosterRow in the same transaction; a concurrent claim of the same id waits for this one.
 */
export async function claimRosterId(q: Queryable, id: string, roleId: string): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO care_team.peer_supporter
       (id, role_id, role, active, sort_name, languages, lived_experience, max_caseload, available_hours)
     VALUES ($1, $2, 'peer-supporter', false, '', '{}', '{}', 0, '{}')
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [id, roleId],
  );
  return rows.length === 1;
}

export async function hasValidCertification(q: Queryable, id: string, date: string): Promise<boolean> {
  const [row] = await q.query<{ certified: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM care_team.certification
       WHERE peer_supporter_id = $1 AND valid_from <= $2::date AND valid_until >= $2::date) AS certified`,
    [id, date],
  );
  return row?.certified === true;
}
