import { mkdir } from 'node:fs/promises';
import type { Config } from '../config/config.js';
import type { Database } from './database.js';
import { openPostgresDatabase } from './postgres-database.js';

/** PostgreSQL when DATABASE_URL is set; otherwise the embedded PGlite kept in DATA_DIR. */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'databasePoolSize'>,
): Promise<Database> {
  if (config.databaseUrl) {
    return openPostgresDatabase(config.databaseUrl, config.databasePoolSize);
  }
  await mkdir(config.dataDir, { recursive: true });
  return openPgliteDatabase(config.dataDir);
}

/**
 * The embedded PGlite database (in memory when dataDir is undefined). Its module is imported on
 * first use: loading PGlite costs some 40 MB of RSS that a service on PostgreSQL does not need.
 */
export async function openPgliteDatabase(dataDir: string | undefined): Promise<Database> {
  const pglite = await import('./pglite-database.js');
  return pglite.openPgliteDatabase(dataDir);
}
