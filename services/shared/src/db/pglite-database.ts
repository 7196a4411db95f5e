import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Database, Queryable } from './database.js';

/**
 * The embedded database: PGlite in dataDir, or in memory when dataDir is undefined. PGlite has a
 * single connection and queues queries and transactions itself, so no pool is needed.
 */
export async function openPgliteDatabase(dataDir: string | undefined): Promise<Database> {
  const db = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
  await db.waitReady;

  // PGlite has no named statements; `name` is a hint only PostgreSQL uses.
  const queryable = (client: PGlite | Transaction): Queryable => ({
    async query<Row extends object>(sql: string, params: unknown[] = []) {
      const result = await client.query<Row>(sql, params);
      return result.rows;
    },
    async exec(sql: string) {
      await client.exec(sql);
    },
  });

  return {
    kind: 'pglite',
    connection: { kind: 'pglite', instance: db },
    ...queryable(db),
    transaction: (fn) => db.transaction((tx) => fn(queryable(tx))),
    async close() {
      await db.close();
    },
  };
}
