import type { Queryable } from '@peerbridge/shared';
import type { IntakeSource } from '../domain/intake-decision.js';

/** The cursor of one connection's source, locked for the page being committed; null before the first poll. */
export async function lockCursor(
  tx: Queryable,
  connectionId: string,
  source: IntakeSource,
): Promise<string | null> {
  await tx.query(
    `INSERT INTO ehr_integration.intake_cursor (connection_id, source) VALUES ($1, $2)
     ON CONFLICT DO NOTHING`,
    [connectionId, source],
  );
  const [row] = await tx.query<{ last_updated: Date | null }>(
    `SELECT last_updated FROM ehr_integration.intake_cursor
     WHERE connection_id = $1 AND source = $2 FOR UPDATE`,
    [connectionId, source],
  );
  return row?.last_updated ? new Date(row.last_updated).toISOString() : null;
}

export async function readCursor(
  q: Queryable,
  connectionId: string,
  source: IntakeSource,
): Promise<string | null> {
  const [row] = await q.query<{ last_updated: Date | null }>(
    `SELECT last_updated FROM ehr_integration.intake_cursor WHERE connection_id = $1 AND source = $2`,
    [connectionId, source],
  );
  return row?.last_updated ? new Date(row.last_updated).toISOString() : null;
}

/** Moves the cursor forward only: a page committed by a slower, overlapping poll never moves it back. */
export async function advanceCursor(
  tx: Queryable,
  connectionId: string,
  source: IntakeSource,
  lastUpdated: string | undefined,
): Promise<void> {
  await tx.query(
    `UPDATE ehr_integration.intake_cursor
     SET last_updated = GREATEST(last_updated, $3::timestamptz), polled_at = now()
     WHERE connection_id = $1 AND source = $2`,
    [connectionId, source, lastUpdated ?? null],
  );
}

/**
 * Records an EHR referral as taken in (accepted or rejected); false when it was recorded before,
 * i.e. an earlier poll (or a concurrent one) already took it in and nothing more must happen.
 */
export async function recordIntake(
  tx: Queryable,
  row: {
    connectionId: string;
    ehrServiceRequest: string;
    outcome: 'accepted' | 'rejected';
    reason?: string;
    eventId?: string;
    /** The EHR Task the referral came with (task intake), whose status write-back updates. */
    ehrTask?: string;
  },
): Promise<boolean> {
  const inserted = await tx.query(
    `INSERT INTO ehr_integration.intake_referral
       (connection_id, ehr_service_request, outcome, reason, event_id, ehr_task)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT DO NOTHING RETURNING ehr_service_request`,
    [
      row.connectionId,
      row.ehrServiceRequest,
      row.outcome,
      row.reason ?? null,
      row.eventId ?? null,
      row.ehrTask ?? null,
    ],
  );
  return inserted.length > 0;
}

/** The connection that took an EHR referral in (the first, should two connections reach one EHR). */
export async function acceptedIntakeOf(q: Queryable, ehrServiceRequest: string): Promise<string | undefined> {
  const [row] = await q.query<{ connection_id: string }>(
    `SELECT connection_id FROM ehr_integration.intake_referral
     WHERE ehr_service_request = $1 AND outcome = 'accepted' ORDER BY received_at, connection_id LIMIT 1`,
    [ehrServiceRequest],
  );
  return row?.connection_id;
}

export async function isTakenIn(
  q: Queryable,
  connectionId: string,
  ehrServiceRequest: string,
): Promise<boolean> {
  const rows = await q.query(
    `SELECT 1 FROM ehr_integration.intake_referral WHERE connection_id = $1 AND ehr_service_request = $2`,
    [connectionId, ehrServiceRequest],
  );
  return rows.length > 0;
}

export interface IntakeRecord {
  readonly ehrServiceRequest: string;
  readonly outcome: 'accepted' | 'rejected';
  readonly reason: string | null;
}

export async function listIntake(q: Queryable, connectionId: string): Promise<IntakeRecord[]> {
  const rows = await q.query<{
    ehr_service_request: string;
    outcome: 'accepted' | 'rejected';
    reason: string | null;
  }>(
    `SELECT ehr_service_request, outcome, reason FROM ehr_integration.intake_referral
     WHERE connection_id = $1 ORDER BY received_at, ehr_service_request`,
    [connectionId],
  );
  return rows.map((row) => ({
    ehrServiceRequest: row.ehr_service_request,
    outcome: row.outcome,
    reason: row.reason,
  }));
}

export interface IntakeCursor {
  readonly source: IntakeSource;
  /** The newest meta.lastUpdated taken in; null before the first page. */
  readonly lastUpdated: Date | undefined;
  /** When a poll last committed a page of this source. */
  readonly polledAt: Date | undefined;
}

/** Where each of the connection's sources has got to, by source. */
export async function intakeCursors(q: Queryable, connectionId: string): Promise<IntakeCursor[]> {
  const rows = await q.query<{ source: IntakeSource; last_updated: Date | null; polled_at: Date | null }>(
    `SELECT source, last_updated, polled_at FROM ehr_integration.intake_cursor
     WHERE connection_id = $1 ORDER BY source`,
    [connectionId],
  );
  return rows.map((row) => ({
    source: row.source,
    lastUpdated: row.last_updated ? new Date(row.last_updated) : undefined,
    polledAt: row.polled_at ? new Date(row.polled_at) : undefined,
  }));
}

export interface RejectedIntake {
  readonly ehrServiceRequest: string;
  readonly reason: string;
  readonly receivedAt: Date;
}

/** The EHR referrals of the connection that could not be mapped, newest first. */
export async function listRejectedIntake(
  q: Queryable,
  connectionId: string,
  limit: number,
): Promise<RejectedIntake[]> {
  const rows = await q.query<{ ehr_service_request: string; reason: string; received_at: Date }>(
    `SELECT ehr_service_request, reason, received_at FROM ehr_integration.intake_referral
     WHERE connection_id = $1 AND outcome = 'rejected'
     ORDER BY received_at DESC, ehr_service_request LIMIT $2`,
    [connectionId, limit],
  );
  return rows.map((row) => ({
    ehrServiceRequest: row.ehr_service_request,
    reason: row.reason,
    receivedAt: new Date(row.received_at),
  }));
}
