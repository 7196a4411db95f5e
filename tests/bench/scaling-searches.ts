import { createHash } from 'node:crypto';
import { SEED } from './seed-service-requests.js';

/**
 * Selective ServiceRequest searches over the seeded series: US Core's required ones, plus _id
 * and a narrow _lastUpdated window. Each matches the same rows (all among the first 1,000) at
 * any seeded size from 1,000 up, so its cost should only grow with the log of the table.
 */
export interface ScalingSearch {
  readonly name: string;
  readonly query: readonly (readonly [string, string])[];
  readonly matches: number;
  /** Indexes the plan must read: the search index tables' (or the resource table's own). */
  readonly indexedTables: readonly string[];
}

const PATIENT = SEED.patient(42); // rows 420..429
const COUNSELLING = `${SEED.counselling.system}|${SEED.counselling.code}`;
const PEER_SUPPORT = `${SEED.peerSupport.system}|${SEED.peerSupport.code}`;

export const SCALING_SEARCHES: readonly ScalingSearch[] = [
  { name: 'patient', query: [['patient', PATIENT]], matches: 10, indexedTables: ['search_reference'] },
  {
    name: 'patient+category',
    query: [
      ['patient', PATIENT],
      ['category', COUNSELLING],
    ],
    matches: 5,
    indexedTables: ['search_reference', 'search_token'],
  },
  {
    name: 'patient+code',
    query: [
      ['patient', PATIENT],
      ['code', PEER_SUPPORT],
    ],
    matches: 10,
    indexedTables: ['search_reference', 'search_token'],
  },
  {
    name: 'patient+category+authored',
    query: [
      ['patient', PATIENT],
      ['category', COUNSELLING],
      ['authored', `ge${authoredOn(425)}`],
    ],
    matches: 2, // 426 and 428
    indexedTables: ['search_reference', 'search_token', 'search_date'],
  },
  { name: 'status', query: [['status', SEED.rareStatus]], matches: 10, indexedTables: ['search_token'] },
  {
    name: 'identifier',
    query: [['identifier', `${SEED.placerSystem}|${SEED.placerValue(313)}`]],
    matches: 1,
    indexedTables: ['search_token'],
  },
  { name: '_id', query: [['_id', seededId(313)]], matches: 1, indexedTables: ['resource'] },
  {
    name: '_lastUpdated window',
    query: [
      ['_lastUpdated', `gt${lastUpdated(600)}`],
      ['_lastUpdated', `lt${lastUpdated(610)}`],
    ],
    matches: 9, // 601..609
    indexedTables: ['resource'],
  },
];

/** The id the seed gives row i: md5('service-request-' || i) as a uuid. */
export function seededId(i: number): string {
  const hex = createHash('md5').update(`service-request-${i}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function authoredOn(i: number): string {
  return secondsIso(Date.parse(SEED.authoredEpoch) + i * 60_000);
}

function lastUpdated(i: number): string {
  return secondsIso(Date.parse(SEED.lastUpdatedEpoch) + i * 1000);
}

function secondsIso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
