import type { Queryable } from '@peerbridge/shared';
import type { SessionKind, SessionStatus } from '../domain/session.js';

export interface SessionAttendeeRow {
  readonly referralId: string;
  readonly patient: string;
  readonly attended: boolean;
  readonly encounterId?: string;
}

export interface SessionRow {
  readonly id: string;
  readonly kind: SessionKind;
  readonly status: SessionStatus;
  readonly peerSupporterId: string;
  readonly appointmentId: string | undefined;
  readonly encounterId: string | undefined;
  readonly attendees: readonly SessionAttendeeRow[];
  readonly start: string;
}

interface Row {
  id: string;
  kind: SessionKind;
  status: SessionStatus;
  peer_supporter_id: string;
  appointment_id: string | null;
  encounter_id: string | null;
  attendees: SessionAttendeeRow[];
  start_at: string | Date;
}

const COLUMNS = 'id, kind, status, peer_supporter_id, appointment_id, encounter_id, attendees, start_at';

export async function insertSession(q: Queryable, row: SessionRow): Promise<void> {
  await q.query(
    `INSERT INTO encounter.session (${COLUMNS}, referral_ids, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, now())`,
    [
      row.id,
      row.kind,
      row.status,
      row.peerSupporterId,
      row.appointmentId ?? null,
      row.encounterId ?? null,
      JSON.stringify(row.attendees),
      row.start,
      row.attendees.map((a) => a.referralId),
    ],
  );
}

export async function updateSession(
  q: Queryable,
  id: string,
  change: { status: SessionStatus; encounterId?: string; attendees?: readonly SessionAttendeeRow[] },
): Promise<void> {
  await q.query(
    `UPDATE encounter.session SET status = $2, encounter_id = COALESCE($3, encounter_id),
       attendees = COALESCE($4::jsonb, attendees) WHERE id = $1`,
    [
      id,
      change.status,
      change.encounterId ?? null,
      change.attendees ? JSON.stringify(change.attendees) : null,
    ],
  );
}

export async function findSession(
  q: Queryable,
  id: string,
  options: { lock?: boolean } = {},
): Promise<SessionRow | undefined> {
  const [row] = await q.query<Row>(
    `SELECT ${COLUMNS} FROM encounter.session WHERE id = $1${options.lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return row && rowOf(row);
}

/** The planned session an Appointment is, locked. */
export async function findSessionOfAppointment(
  q: Queryable,
  appointmentId: string,
): Promise<SessionRow | undefined> {
  const [row] = await q.query<Row>(
    `SELECT ${COLUMNS} FROM encounter.session WHERE appointment_id = $1 FOR UPDATE`,
    [appointmentId],
  );
  return row && rowOf(row);
}

export interface SessionFilter {
  readonly referralId?: string;
  readonly status?: SessionStatus;
  /** Only sessions this peer supporter ran. */
  readonly peerSupporterId?: string;
  /** Only sessions with one of these patients. */
  readonly patients?: readonly string[];
  readonly limit: number;
  readonly offset: number;
}

export async function listSessions(
  q: Queryable,
  filter: SessionFilter,
): Promise<{ rows: SessionRow[]; total: number }> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(sql(`$${params.length}`));
  };
  if (filter.referralId) add((p) => `${p} = ANY(referral_ids)`, filter.referralId);
  if (filter.status) add((p) => `status = ${p}`, filter.status);
  if (filter.peerSupporterId) add((p) => `peer_supporter_id = ${p}`, filter.peerSupporterId);
  if (filter.patients) {
    add(
      (p) => `EXISTS (SELECT 1 FROM jsonb_array_elements(attendees) a WHERE a->>'patient' = ANY(${p}))`,
      filter.patients,
    );
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const [count] = await q.query<{ total: string }>(
    `SELECT count(*) AS total FROM encounter.session ${where}`,
    params,
  );
  const rows = await q.query<Row>(
    `SELECT ${COLUMNS} FROM encounter.session ${where} ORDER BY start_at DESC, id
     LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, filter.limit, filter.offset],
  );
  return { rows: rows.map(rowOf), total: Number(count?.total ?? 0) };
}

function rowOf(row: Row): SessionRow {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    peerSupporterId: row.peer_supporter_id,
    appointmentId: row.appointment_id ?? undefined,
    encounterId: row.encounter_id ?? undefined,
    attendees: row.attendees,
    start: new Date(row.start_at).toISOString(),
  };
}
