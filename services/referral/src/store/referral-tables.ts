import type { Queryable } from '@peerbridge/shared';
import type { Actor, ReferralStatus, Transition } from '../domain/referral.js';

export type ReferralEventType = 'referral.created' | 'referral.status-changed' | 'referral.updated';

/**
 * SQL over the referral service's own tables. Every function takes the transaction to write in,
 * never the database, so that it commits with the resource versions it describes (and because
 * PGlite has one connection: a query on the database inside a transaction would wait forever).
 */
export async function insertReferral(q: Queryable, referralId: string, taskId: string): Promise<void> {
  await q.query('INSERT INTO referral.referral (id, task_id) VALUES ($1, $2)', [referralId, taskId]);
}

/** The referral's Task id, with the referral row locked until the transaction ends. */
export async function lockReferral(q: Queryable, referralId: string): Promise<string | undefined> {
  const [row] = await q.query<{ task_id: string }>(
    'SELECT task_id FROM referral.referral WHERE id = $1 FOR UPDATE',
    [referralId],
  );
  return row?.task_id;
}

/** The referral a Task tracks, locked; undefined when the Task is not a referral's. */
export async function lockReferralOfTask(q: Queryable, taskId: string): Promise<string | undefined> {
  const [row] = await q.query<{ id: string }>(
    'SELECT id FROM referral.referral WHERE task_id = $1 FOR UPDATE',
    [taskId],
  );
  return row?.id;
}

export async function findTaskId(q: Queryable, referralId: string): Promise<string | undefined> {
  const [row] = await q.query<{ task_id: string }>('SELECT task_id FROM referral.referral WHERE id = $1', [
    referralId,
  ]);
  return row?.task_id;
}

export async function recordTransition(
  q: Queryable,
  referralId: string,
  transition: Transition,
): Promise<void> {
  await q.query(
    `INSERT INTO referral.referral_transition
       (referral_id, task_version, from_status, to_status, reason, actor, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
    [
      referralId,
      Number(transition.taskVersion),
      transition.from,
      transition.to,
      transition.reason ?? null,
      JSON.stringify(transition.actor),
      transition.at,
    ],
  );
}

interface TransitionRow {
  task_version: number;
  from_status: string | null;
  to_status: string;
  reason: string | null;
  actor: Actor;
  occurred_at: string | Date;
}

export async function listTransitions(q: Queryable, referralId: string): Promise<Transition[]> {
  const rows = await q.query<TransitionRow>(
    `SELECT task_version, from_status, to_status, reason, actor, occurred_at
     FROM referral.referral_transition WHERE referral_id = $1 ORDER BY seq`,
    [referralId],
  );
  return rows.map((row) => ({
    from: row.from_status as ReferralStatus | null,
    to: row.to_status as ReferralStatus,
    ...(row.reason !== null ? { reason: row.reason } : {}),
    actor: row.actor,
    at: new Date(row.occurred_at).toISOString(),
    taskVersion: String(row.task_version),
  }));
}
