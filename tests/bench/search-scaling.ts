import { performance } from 'node:perf_hooks';
import type { Bundle } from '@medplum/fhirtypes';
import { openPostgresDatabase, type Database } from '@peerbridge/shared';
import { headers } from './load.js';
import { SCALING_SEARCHES, type ScalingSearch } from './scaling-searches.js';
import { seedServiceRequests, withIndexesRebuilt } from './seed-service-requests.js';

export interface SearchLatency {
  readonly name: string;
  /** Median and 99th percentile of sequential requests, in milliseconds. */
  readonly p50: number;
  readonly p99: number;
}

export interface SearchScalingFigures {
  readonly sizes: readonly [number, number];
  readonly small: readonly SearchLatency[];
  readonly large: readonly SearchLatency[];
}

const SCHEMA = 'referral';
const TABLES = [
  'resource',
  'resource_version',
  'search_token',
  'search_reference',
  'search_date',
  'search_string',
];

/**
 * Seeds the ServiceRequest series to the small size, times each selective search over HTTP
 * (one request at a time, so the figure is the cost of one search), grows the same table to the
 * large size, and times them again. Each search matches the same rows at both sizes.
 */
export async function measureSearchScaling(
  baseUrl: string,
  databaseUrl: string,
  options: { sizes: readonly [number, number]; requests: number; token: string },
): Promise<SearchScalingFigures> {
  const db = openPostgresDatabase(databaseUrl, 1);
  try {
    const [small, large] = options.sizes;
    await seed(db, 1, small);
    const atSmall = await timeSearches(baseUrl, options.requests, options.token);
    await seed(db, small + 1, large);
    const atLarge = await timeSearches(baseUrl, options.requests, options.token);
    return { sizes: options.sizes, small: atSmall, large: atLarge };
  } finally {
    await db.close();
  }
}

async function seed(db: Database, first: number, last: number): Promise<void> {
  await withIndexesRebuilt(db, SCHEMA, (tx) => seedServiceRequests(tx, SCHEMA, first, last));
  await db.exec(`ANALYZE ${TABLES.map((table) => `${SCHEMA}.${table}`).join(', ')}`);
}

async function timeSearches(baseUrl: string, requests: number, token: string): Promise<SearchLatency[]> {
  const latencies: SearchLatency[] = [];
  for (const search of SCALING_SEARCHES) {
    const url = `${baseUrl}/fhir/ServiceRequest?${new URLSearchParams(search.query.map(([k, v]) => [k, v] as [string, string]))}`;
    await expectMatches(url, search, token);
    const times: number[] = [];
    for (let n = 0; n < requests + requests / 10; n++) {
      const started = performance.now();
      const res = await fetch(url, { headers: { ...headers(token), accept: 'application/fhir+json' } });
      await res.arrayBuffer();
      // The first tenth warms up and is not counted.
      if (n >= requests / 10) {
        times.push(performance.now() - started);
      }
    }
    times.sort((a, b) => a - b);
    latencies.push({ name: search.name, p50: percentile(times, 0.5), p99: percentile(times, 0.99) });
  }
  return latencies;
}

async function expectMatches(url: string, search: ScalingSearch, token: string): Promise<void> {
  const res = await fetch(url, { headers: { ...headers(token), accept: 'application/fhir+json' } });
  const bundle = (await res.json()) as Bundle;
  if (res.status !== 200 || bundle.total !== search.matches) {
    throw new Error(
      `Search ${search.name} answered ${res.status} with ${bundle.total} matches, not ${search.matches}`,
    );
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}
