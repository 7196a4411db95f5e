import pg from 'pg';
import type { Database, Queryable } from './database.js';

export interface DatabaseTimeouts {
  /** Longest a statement may run before PostgreSQL cancels it (statement_timeout). */
  readonly statementTimeoutMs: number;
  /** Longest a query waits for a connection from a full pool before it fails. */
  readonly connectionTimeoutMs: number;
}

/**
 * No request may hold a connection for long or wait for one forever: a runaway statement is
 * cancelled and a caller that cannot get a connection fails (503) instead of hanging.
 */
export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = {
  statementTimeoutMs: 10_000,
  connectionTimeoutMs: 5_000,
};

export function openPostgresDatabase(
  connectionString: string,
  poolSize: number,
  timeouts: DatabaseTimeouts = DEFAULT_DATABASE_TIMEOUTS,
): Database {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    statement_timeout: timeouts.statementTimeoutMs,
    connectionTimeoutMillis: timeouts.connectionTimeoutMs,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);

  const queryable = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<Row extends object>(sql: string, params: unknown[] = [], name?: string) {
      const result = await client.query<Row>(
        name ? { name, text: sql, values: params } : { text: sql, values: params },
      );
      return result.rows;
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  });

  return {
    kind: 'postgres',
    connection: { kind: 'postgres', url: connectionString },
    ...queryable(pool),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      // A checked-out client whose connection drops (the server restarts) emits 'error'; unheard,
      // that would end the process. The failing query rejects as well, which is what we act on.
      client.on('error', ignoreConnectionError);
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(queryable(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        client.off('error', ignoreConnectionError);
        // A client that cannot even roll back is dropped, not handed to the next caller.
        client.release(broken);
      }
    },
    async close() {
      await pool.end();
    },
  };
}

function ignoreConnectionError(): void {}
