import type { Queryable } from '../db/database.js';
import { assertIdentifier } from '../db/migrate.js';
import { unprocessable } from '../errors/operation-outcome-error.js';
import type { IdempotentRequest } from './idempotent-request.js';

export interface IdempotencyKeyOptions {
  /** How long a key replays after its first use (IDEMPOTENCY_KEY_TTL_HOURS). */
  readonly ttlHours: number;
  /** The clock; tests move it instead of waiting. */
  readonly now?: () => Date;
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * The Idempotency-Keys a service has seen, in its own schema (IDEMPOTENCY_KEY_MIGRATIONS). The
 * service looks a key up and saves it in the transaction that does the work, so a key exists if
 * and only if its work committed. A key expires ttlHours after its first use: from then on it
 * no longer replays (the key may be used afresh) and purgeExpired deletes it.
 */
export class IdempotencyKeys {
  readonly schema: string;
  private readonly ttlMs: number;
  private readonly now: () => Date;

  constructor(schema: string, options: IdempotencyKeyOptions) {
    this.schema = assertIdentifier(schema);
    this.ttlMs = options.ttlHours * HOUR_MS;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * What an earlier request with this key produced, or undefined when there was none (or its key
   * expired): then the caller does the work and saves the key in the same transaction. Waits
   * while another transaction holds the same key, so two concurrent requests with one key run
   * one after the other. The same key with another body is refused (422).
   */
  async replayOf(tx: Queryable, request: IdempotentRequest): Promise<string | undefined> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `${this.schema}-idempotency:${request.clientId}:${request.key}`,
    ]);
    const [row] = await tx.query<{ request_hash: string; result: string; live: boolean }>(
      `SELECT request_hash, result, created_at > $3 AS live FROM ${this.schema}.idempotent_request
       WHERE client_id = $1 AND idempotency_key = $2`,
      [request.clientId, request.key, this.cutoff()],
    );
    if (!row) {
      return undefined;
    }
    if (!row.live) {
      await tx.query(
        `DELETE FROM ${this.schema}.idempotent_request WHERE client_id = $1 AND idempotency_key = $2`,
        [request.clientId, request.key],
      );
      return undefined;
    }
    if (row.request_hash !== request.requestHash) {
      throw unprocessable(
        'This Idempotency-Key was already used with a different request body',
        'Idempotency-Key',
      );
    }
    return row.result;
  }

  /** Records what the request produced; call it in the transaction that produced it. */
  async save(tx: Queryable, request: IdempotentRequest, result: string): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.schema}.idempotent_request
         (client_id, idempotency_key, request_hash, result, created_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [request.clientId, request.key, request.requestHash, result, this.now().toISOString()],
    );
  }

  /** Deletes every expired key; answers how many. Run by a scheduled job (idempotencyKeyPurgeJob). */
  async purgeExpired(q: Queryable): Promise<number> {
    const [row] = await q.query<{ purged: number }>(
      `WITH purged AS (DELETE FROM ${this.schema}.idempotent_request WHERE created_at <= $1 RETURNING 1)
       SELECT count(*)::int AS purged FROM purged`,
      [this.cutoff()],
    );
    return row!.purged;
  }

  /** Keys first used at or before this moment have expired. */
  private cutoff(): string {
    return new Date(this.now().getTime() - this.ttlMs).toISOString();
  }
}
