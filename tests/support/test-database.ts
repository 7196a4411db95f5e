import { openPgliteDatabase, openPostgresDatabase, type Database } from '@peerbridge/shared';
import { createScratchDatabase } from './scratch-database.js';

/**
 * A database of the test file's own, so test files run in parallel without seeing each other's
 * rows: a fresh PostgreSQL database when DATABASE_URL is set (CI), else an in-memory PGlite.
 */
export async function openTestDatabase(): Promise<Database> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    return openPgliteDatabase(undefined);
  }
  const scratch = await createScratchDatabase(adminUrl, 'peerbridge_test');
  const db = openPostgresDatabase(scratch.url, 10);
  return {
    ...db,
    async close() {
      await db.close();
      await scratch.drop();
    },
  };
}
