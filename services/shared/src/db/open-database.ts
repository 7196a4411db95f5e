import { mkdir } from 'node:fs/promises';
import type { Config } from '../config/config.js';
import type { Database } from './database.js';
import { openPgliteDatabase } from './pglite-database.js';
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
