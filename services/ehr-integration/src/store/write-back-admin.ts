import type { Queryable } from '@peerbridge/shared';

// What the admin API reads of a connection's write-back, and its replay of dead letters.

export type WriteBackState = 'pending' | 'withheld' | 'delivered' | 'dead';

export interface WriteBackHealth {
  readonly backlog: Readonly<Record<WriteBackState, number>>;
  /** When the longest-waiting pending row last changed (a new version or a failed attempt). */
  readonly oldestPendingSince: Date | undefined;
  readonly oldestPendingAgeSeconds: number | undefined;
  /** Only while paused: a pause that has run out is no pause. */
  readonly pausedUntil: Date | undefined;
  readonly consecutiveFailures: number;
  readonly lastFailure: string | undefined;
  readonly lastFailureAt: Date | undefined;
  readonly lastDeliveryAt: Date | undefined;
}

export async function writeBackHealth(q: Queryable, connectionId: string): Promise<WriteBackHealth> {
  const counts = await q.query<{ state: WriteBackState; n: number }>(
    `SELECT state, count(*)::int AS n FROM ehr_integration.write_back WHERE connection_id = $1 GROUP BY state`,
    [connectionId],
  );
  const [oldest] = await q.query<{ since: Date | null; age: number | null }>(
    `SELECT min(pending_since) AS since, floor(extract(epoch FROM now() - min(pending_since)))::int AS age
     FROM ehr_integration.write_back WHERE connection_id = $1 AND state = 'pending'`,
    [connectionId],
  );
  const [connection] = await q.query<{
    paused_until: Date | null;
    consecutive_failures: number;
    last_failure: string | null;
    last_failure_at: Date | null;
    last_delivery_at: Date | null;
  }>(
    `SELECT CASE WHEN paused_until > now() THEN paused_until END AS paused_until,
       consecutive_failures, last_failure, last_failure_at, last_delivery_at
     FROM ehr_integration.write_back_connection WHERE connection_id = $1`,
    [connectionId],
  );
  const backlog = { pending: 0, withheld: 0, delivered: 0, dead: 0 };
  for (const { state, n } of counts) {
    backlog[state] = n;
  }
  return {
    backlog,
    oldestPendingSince: dateOrUndefined(oldest?.since),
    oldestPendingAgeSeconds:
      oldest?.age === null || oldest?.age === undefined ? undefined : Math.max(0, oldest.age),
    pausedUntil: dateOrUndefined(connection?.paused_until),
    consecutiveFailures: connection?.consecutive_failures ?? 0,
    lastFailure: connection?.last_failure ?? undefined,
    lastFailureAt: dateOrUndefined(connection?.last_failure_at),
    lastDeliveryAt: dateOrUndefined(connection?.last_delivery_at),
  };
}

/** A write the EHR refused for good, as the admin API shows it: never the resource itself. */
export interface WriteBackDeadLetter {
  /** The row's sequence number. */
  readonly id: number;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly version: number;
  readonly attempts: number;
  readonly lastError: string | undefined;
  /** The EHR's OperationOutcome. */
  readonly outcome: Record<string, unknown> | undefined;
  readonly deadLetteredAt: Date;
}

/** The connection's dead letters, oldest change first. */
export async function listWriteBackDeadLetters(
  q: Queryable,
  connectionId: string,
  limit: number,
): Promise<WriteBackDeadLetter[]> {
  const rows = await q.query<{
    seq: string;
    resource_type: string;
    resource_id: string;
    version: number;
    attempts: number;
    last_error: string | null;
    outcome: Record<string, unknown> | null;
    updated_at: Date;
  }>(
    `SELECT seq, resource_type, resource_id, version, attempts, last_error, outcome, updated_at
     FROM ehr_integration.write_back WHERE connection_id = $1 AND state = 'dead'
     ORDER BY seq LIMIT $2`,
    [connectionId, limit],
  );
  return rows.map((row) => ({
    id: Number(row.seq),
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    version: row.version,
    attempts: row.attempts,
    lastError: row.last_error ?? undefined,
    outcome: row.outcome ?? undefined,
    deadLetteredAt: new Date(row.updated_at),
  }));
}

/** A dead letter made pending again. */
export interface ReplayedWriteBack {
  readonly id: number;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly version: number;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
}

// Pending again, due now, with a fresh set of attempts; the EHR's old answer goes.
const REPLAY = `UPDATE ehr_integration.write_back SET state = 'pending', pending_since = now(), attempts = 0,
    next_attempt_at = now(), claimed_until = NULL, outcome = NULL, updated_at = now()`;

/** Replays one dead letter of the connection; undefined when `seq` is none (any more). */
export async function replayWriteBackDeadLetter(
  q: Queryable,
  connectionId: string,
  seq: number,
): Promise<ReplayedWriteBack | undefined> {
  const [row] = await q.query<{
    seq: string;
    resource_type: string;
    resource_id: string;
    version: number;
    attempts: number;
    next_attempt_at: Date;
  }>(
    `${REPLAY} WHERE connection_id = $1 AND seq = $2 AND state = 'dead'
     RETURNING seq, resource_type, resource_id, version, attempts, next_attempt_at`,
    [connectionId, seq],
  );
  return (
    row && {
      id: Number(row.seq),
      resourceType: row.resource_type,
      resourceId: row.resource_id,
      version: row.version,
      attempts: row.attempts,
      nextAttemptAt: new Date(row.next_attempt_at),
    }
  );
}

/** Replays every dead letter of the connection; answers how many. */
export async function replayAllWriteBackDeadLetters(q: Queryable, connectionId: string): Promise<number> {
  const rows = await q.query(`${REPLAY} WHERE connection_id = $1 AND state = 'dead' RETURNING seq`, [
    connectionId,
  ]);
  return rows.length;
}

function dateOrUndefined(value: Date | string | null | undefined): Date | undefined {
  return value === null || value === undefined ? undefined : new Date(value);
}
