import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPgliteDatabase, openPostgresDatabase, type Database } from '@peerbridge/shared';

/**
 * A database of the test file's own, so test files run in parallel without seeing each other's
 * rows: a fresh PostgreSQL database when DATABASE_URL is set (CI), else an in-memory PGlite.
 */
export async function openTestDatabase(): Promise<Database> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    return openPgliteDatabase(undefined);
  }
  const name = `peerbridge_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = openPostgresDatabase(url.toString(), 10);
  return {
    ...db,
    async close() {
      await db.close();
      await withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function withAdmin(url: string, fn: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await fn(client);
  } finally {
    await client.end();
  }
}
