import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';

export type BenchDatabase = ScratchDatabase;

/** A fresh database for one bench section, created from (and dropped through) the admin URL. */
export function createBenchDatabase(adminUrl: string, label: string): Promise<BenchDatabase> {
  return createScratchDatabase(adminUrl, `peerbridge_bench_${label}`);
}
