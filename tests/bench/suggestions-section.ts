import { performance } from 'node:perf_hooks';
import { openPostgresDatabase, type Database } from '@peerbridge/shared';
import { createBenchDatabase } from './bench-database.js';
import { headers } from './load.js';
import { BENCH_AUDIENCE, BENCH_BASE_URL } from './peerbridge-server.js';
import { percentile } from './search-scaling.js';
import { BENCH_REFERRAL, benchProfile, seedReferral, seedRoster } from './seed-roster.js';
import { startServerThread } from './server-thread.js';
import { signToken } from '../support/tokens.js';

/** The target: suggestions over 10,000 within 3× of those over 1,000 (medians). */
export const SUGGESTIONS_TARGET_RATIO = 3;
const SIZES = [1_000, 10_000] as const;
const REQUESTS = 200;
/** Roster member 0 is the coordinator whose token asks. */
const COORDINATOR = 'bench-peer-0';

export interface SuggestionsAtSize {
  readonly size: number;
  readonly candidates: number;
  readonly p50: number;
  readonly p95: number;
}

const write = (line = '') => process.stdout.write(`${line}\n`);

/**
 * `npm run bench -- suggestions`: GET /api/care-team/referrals/{id}/suggestions over HTTP, one
 * request at a time, with a coordinator's signed user token, on a roster of 1,000 and then the
 * same roster grown to 10,000 peer supporters (in a database of its own, dropped at the end).
 * True when the 10,000 case's median is within SUGGESTIONS_TARGET_RATIO of the 1,000 case's.
 */
export async function runSuggestionsBench(
  adminUrl: string,
  poolSize: number,
  issuerUrl: string,
): Promise<boolean> {
  const database = await createBenchDatabase(adminUrl, 'suggestions');
  const server = await startServerThread({
    kind: 'peerbridge',
    databaseUrl: database.url,
    poolSize,
    issuerUrl,
  });
  const db = openPostgresDatabase(database.url, 2);
  try {
    const token = await signToken({
      audience: BENCH_AUDIENCE,
      scope: 'user/*.cruds',
      fhirUser: `Practitioner/${COORDINATOR}`,
      subject: COORDINATOR,
      expiresIn: 3600,
    });
    await seedReferral(db);
    const figures: SuggestionsAtSize[] = [];
    let seeded = 0;
    for (const size of SIZES) {
      const started = performance.now();
      await seedRoster(db, BENCH_BASE_URL, seeded + 1, size);
      if (seeded === 0) {
        await seedCoordinator(db);
      }
      seeded = size;
      await db.exec(
        'ANALYZE care_team.peer_supporter, care_team.certification, care_team.assignment, care_team.resource',
      );
      write(
        `  seeded ${size.toLocaleString('en')} peer supporters (${((performance.now() - started) / 1000).toFixed(0)} s in all)`,
      );
      figures.push(await timeSuggestions(server.baseUrl, token, size));
    }
    return printSuggestions(figures);
  } finally {
    await db.close();
    await server.stop();
    await database.drop();
  }
}

function seedCoordinator(db: Database): Promise<void> {
  return seedRoster(db, BENCH_BASE_URL, 0, 0, (i) => ({ ...benchProfile(i), role: 'coordinator' }));
}

async function timeSuggestions(baseUrl: string, token: string, size: number): Promise<SuggestionsAtSize> {
  const url = `${baseUrl}/api/care-team/referrals/${BENCH_REFERRAL.id}/suggestions?limit=10`;
  const warmUp = REQUESTS / 10;
  const times: number[] = [];
  let candidates = 0;
  for (let n = 0; n < REQUESTS + warmUp; n++) {
    const started = performance.now();
    const res = await fetch(url, { headers: headers(token) });
    const body = (await res.json()) as { candidateTotal: number; suggestions: unknown[] };
    const took = performance.now() - started;
    if (res.status !== 200 || body.suggestions.length !== 10) {
      throw new Error(`suggestions answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
    }
    candidates = body.candidateTotal;
    if (n >= warmUp) {
      times.push(took);
    }
  }
  times.sort((a, b) => a - b);
  return { size, candidates, p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
}

function printSuggestions(figures: readonly SuggestionsAtSize[]): boolean {
  const [small, large] = figures as [SuggestionsAtSize, SuggestionsAtSize];
  write(`\nSuggestions for one referral over HTTP, one at a time (${REQUESTS} requests, limit 10)`);
  for (const at of figures) {
    write(
      `  ${at.size.toLocaleString('en').padStart(6)} peer supporters (${at.candidates.toLocaleString('en')} candidates):` +
        `  p50 ${at.p50.toFixed(1)} ms  p95 ${at.p95.toFixed(1)} ms`,
    );
  }
  const ratio = large.p50 / small.p50;
  const met = ratio <= SUGGESTIONS_TARGET_RATIO;
  write(
    `  ratio 10k/1k: p50 ${ratio.toFixed(2)}x, p95 ${(large.p95 / small.p95).toFixed(2)}x ` +
      `(target ≤ ${SUGGESTIONS_TARGET_RATIO}x: ${met ? 'met' : 'MISSED'})`,
  );
  return met;
}
