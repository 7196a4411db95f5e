import type { Queryable } from '@peerbridge/shared';
import type { SafetyFlagStatus } from '../domain/safety-flag.js';

export interface SafetyFlagRow {
  readonly flagId: string;
  readonly patient: string;
  readonly alertId: string;
  readonly source: 'phq-9-item-9' | 'peer-supporter';
  readonly urgency: 'urgent' | 'stat';
  readonly status: SafetyFlagStatus;
  readonly raisedAt: string;
  readonly acknowledgedBy?: string;
  readonly acknowledgedAt?: string;
  readonly resolvedBy?: string;
  readonly resolvedAt?: string;
}

interface Row {
  flag_id: string;
  patient: string;
  alert_id: string;
  source: SafetyFlagRow['source'];
  urgency: SafetyFlagRow['urgency'];
  status: SafetyFlagStatus;
  raised_at: string | Date;
  acknowledged_by: string | null;
  acknowledged_at: string | Date | null;
  resolved_by: string | null;
  resolved_at: string | Date | null;
}

const COLUMNS =
  'flag_id, patient, alert_id, source, urgency, status, raised_at, acknowledged_by, acknowledged_at, resolved_by, resolved_at';

export async function insertSafetyFlag(q: Queryable, row: SafetyFlagRow): Promise<void> {
  await q.query(
    `INSERT INTO encounter.safety_flag (flag_id, patient, alert_id, source, urgency, status, raised_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [row.flagId, row.patient, row.alertId, row.source, row.urgency, row.status, row.raisedAt],
  );
}

/** The flag's row; with `lock`, held until the transaction ends, so that changes to it queue. */
export async function findSafetyFlag(
  q: Queryable,
  flagId: string,
  options: { lock?: boolean } = {},
): Promise<SafetyFlagRow | undefined> {
  const [row] = await q.query<Row>(
    `SELECT ${COLUMNS} FROM encounter.safety_flag WHERE flag_id = $1${options.lock ? ' FOR UPDATE' : ''}`,
    [flagId],
  );
  return row && fromRow(row);
}

export async function safetyFlagsById(
  q: Queryable,
  flagIds: readonly string[],
): Promise<Map<string, SafetyFlagRow>> {
  if (flagIds.length === 0) {
    return new Map();
  }
  const rows = await q.query<Row>(`SELECT ${COLUMNS} FROM encounter.safety_flag WHERE flag_id = ANY($1)`, [
    [...flagIds],
  ]);
  return new Map(rows.map((row) => [row.flag_id, fromRow(row)]));
}

export async function recordAcknowledgement(
  q: Queryable,
  flagId: string,
  by: string,
  at: string,
): Promise<void> {
  await q.query(
    'UPDATE encounter.safety_flag SET acknowledged_by = $2, acknowledged_at = $3 WHERE flag_id = $1',
    [flagId, by, at],
  );
}

export async function recordResolution(q: Queryable, flagId: string, by: string, at: string): Promise<void> {
  await q.query(
    `UPDATE encounter.safety_flag SET status = 'resolved', resolved_by = $2, resolved_at = $3 WHERE flag_id = $1`,
    [flagId, by, at],
  );
}

const iso = (value: string | Date) => new Date(value).toISOString();

function fromRow(row: Row): SafetyFlagRow {
  return {
    flagId: row.flag_id,
    patient: row.patient,
    alertId: row.alert_id,
    source: row.source,
    urgency: row.urgency,
    status: row.status,
    raisedAt: iso(row.raised_at),
    ...(row.acknowledged_by ? { acknowledgedBy: row.acknowledged_by } : {}),
    ...(row.acknowledged_at ? { acknowledgedAt: iso(row.acknowledged_at) } : {}),
    ...(row.resolved_by ? { resolvedBy: row.resolved_by } : {}),
    ...(row.resolved_at ? { resolvedAt: iso(row.resolved_at) } : {}),
  };
}
