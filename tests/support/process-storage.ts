import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPgliteDatabase, openPostgresDatabase, type Database } from '@peerbridge/shared';
import { createScratchDatabase } from './scratch-database.js';

/**
 * Where a test's child processes keep their data, one after another: a PostgreSQL database of the
 * test's own when DATABASE_URL names a server, else a PGlite directory. `env` goes to the child;
 * `open` is for the test to look at the data once the children are gone (PGlite takes one process).
 */
export interface ProcessStorage {
  readonly env: Record<string, string>;
  open(): Promise<Database>;
  drop(): Promise<void>;
}

export async function processStorage(prefix: string): Promise<ProcessStorage> {
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const scratch = await createScratchDatabase(adminUrl, prefix);
    return {
      env: { DATABASE_URL: scratch.url, DATABASE_POOL_SIZE: '4' },
      open: async () => openPostgresDatabase(scratch.url, 2),
      drop: () => scratch.drop(),
    };
  }
  const dataDir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  return {
    env: { DATABASE_URL: '', DATA_DIR: dataDir },
    open: () => openPgliteDatabase(dataDir),
    drop: () => rm(dataDir, { recursive: true, force: true }),
  };
}
