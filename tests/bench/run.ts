import os from 'node:os';
import { parseConfig } from '@peerbridge/shared';
import pg from 'pg';
import { acquireSharedTestIssuer, releaseSharedTestIssuer } from '../support/test-issuer.js';
import { signToken } from '../support/tokens.js';
import { createBenchDatabase, type BenchDatabase } from './bench-database.js';
import { measureCreateAtFixedRate } from './create-at-fixed-rate.js';
import { runEhrBench } from './ehr-section.js';
import { runEventBench } from './event-section.js';
import { runOutcomeBench } from './outcome-section.js';
import { runSafetyBench } from './safety-section.js';
import { runSuggestionsBench } from './suggestions-section.js';
import { BENCH_AUDIENCE, benchConfig, benchSystemToken } from './peerbridge-server.js';
import {
  printCreateAtFixedRate,
  printSearchScaling,
  printThroughput,
  printTokenVerification,
} from './report.js';
import { measureSearchScaling } from './search-scaling.js';
import { startServerThread, type ServerThread } from './server-thread.js';
import { CONNECTIONS, measureThroughput, type ThroughputTarget } from './throughput.js';
import { measureTokenVerification } from './token-verification.js';

/**
 * `npm run bench`: the cost of verifying a bearer token, PeerBridge against a bare Express + pg
 * baseline on the same PostgreSQL (throughput in a closed loop, then create latency at a fixed
 * rate), then search latency at 1,000 and 100,000 rows, then suggestions over rosters of 1,000
 * and 10,000 peer supporters, then event delivery, then recordOutcome against a FHIR create of
 * the same QuestionnaireResponse, then safety escalation, then EHR write-back and intake against
 * direct calls to the same sandbox EHR. PeerBridge runs with SMART authorization
 * on, trusting a real local issuer (tests/support/test-issuer.ts) whose signed JWT every
 * PeerBridge request carries. Each database section works in a database of its own, created from
 * DATABASE_URL and dropped at the end.
 */
const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const { databasePoolSize: poolSize } = parseConfig(process.env, { port: 0 });
const TIMING = { warmUpSeconds: 3, rounds: 5, secondsPerRound: 4 };
const write = (line: string) => process.stdout.write(`${line}\n`);

// `npm run bench -- ehr`: the EHR write-back and intake section alone.
if (process.argv[2] === 'ehr') {
  process.exit((await runEhrBench(adminUrl, poolSize)) ? 0 : 1);
}
// `npm run bench -- events`: the event delivery section alone.
if (process.argv[2] === 'events') {
  process.exit((await runEventBench(adminUrl, poolSize)) ? 0 : 1);
}

write(
  `PeerBridge bench: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), Node ${process.version}, ` +
    `pool ${poolSize}; ${TIMING.warmUpSeconds} s warm-up, then ${TIMING.rounds} rounds of ${TIMING.secondsPerRound} s ` +
    'alternating PeerBridge and baseline, in a closed loop and then at a fixed rate',
);
write(
  `Load average at start: ${os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(', ')} (1, 5, 15 min)`,
);

const issuer = await acquireSharedTestIssuer();

// `npm run bench -- suggestions`: the matching section alone.
if (process.argv[2] === 'suggestions') {
  try {
    process.exitCode = (await runSuggestionsBench(adminUrl, poolSize, issuer.url)) ? 0 : 1;
  } finally {
    await releaseSharedTestIssuer();
  }
  process.exit();
}
// `npm run bench -- safety`: the safety escalation section alone.
if (process.argv[2] === 'safety') {
  try {
    process.exitCode = (await runSafetyBench(adminUrl, poolSize, issuer.url)) ? 0 : 1;
  } finally {
    await releaseSharedTestIssuer();
  }
  process.exit();
}
// One token for the whole run, valid far longer than the run takes.
const token = await benchSystemToken();

// `npm run bench -- outcomes`: the outcome questionnaire section alone.
if (process.argv[2] === 'outcomes') {
  try {
    process.exitCode = (await runOutcomeBench(adminUrl, poolSize, issuer.url, token)) ? 0 : 1;
  } finally {
    await releaseSharedTestIssuer();
  }
  process.exit();
}
const databases: BenchDatabase[] = [];
const database = async (label: string) => {
  const created = await createBenchDatabase(adminUrl, label);
  databases.push(created);
  return created;
};

try {
  // Distinct tokens, so that each verification checks a signature rather than reusing a result.
  const verificationTokens: string[] = [];
  for (let n = 0; n < 3_000; n++) {
    verificationTokens.push(
      await signToken({
        audience: BENCH_AUDIENCE,
        scope: 'system/*.*',
        subject: `bench-${n}`,
        expiresIn: 3600,
      }),
    );
  }
  const verification = await measureTokenVerification(
    benchConfig(adminUrl, poolSize, issuer.url).smart,
    issuer,
    verificationTokens,
    { warmUp: 500, repeats: 20_000 },
  );
  const verificationMet = printTokenVerification(verification);

  const throughputDb = await database('throughput');
  const [throughputMet, fixedRateMet] = await withServer('peerbridge', throughputDb.url, (peerbridge) =>
    withServer('baseline', throughputDb.url, async (bare) => {
      const ours = peerbridgeTarget(peerbridge, throughputDb.url);
      const baseline = baselineTarget(bare, throughputDb.url);
      const throughput = await measureThroughput(ours, baseline, TIMING);
      const closedLoopMet = printThroughput(throughput, CONNECTIONS);
      // The fixed rate follows from the baseline's maximum just measured, on this machine today.
      const baselineMaximum = throughput.baseline.create.all.requestsPerSecond;
      const atFixedRate = await measureCreateAtFixedRate(ours, baseline, baselineMaximum, TIMING);
      return [closedLoopMet, printCreateAtFixedRate(atFixedRate)];
    }),
  );

  // `npm run bench -- create`: the token, closed-loop and fixed-rate sections only.
  if (process.argv[2] === 'create') {
    process.exitCode = verificationMet && throughputMet && fixedRateMet ? 0 : 1;
  } else {
    process.exitCode = (await restOfTheBench(verificationMet && throughputMet && fixedRateMet)) ? 0 : 1;
  }
} finally {
  for (const created of databases) {
    await created.drop();
  }
  await releaseSharedTestIssuer();
}

/** Search scaling, suggestions, events, outcomes, safety and the EHR: true when all met. */
async function restOfTheBench(metSoFar: boolean): Promise<boolean> {
  const searchDb = await database('search');
  const scaling = await withServer('peerbridge', searchDb.url, (server) =>
    measureSearchScaling(server.baseUrl, searchDb.url, { sizes: [1_000, 100_000], requests: 200, token }),
  );
  printSearchScaling(scaling);
  const suggestionsMet = await runSuggestionsBench(adminUrl, poolSize, issuer.url);
  const eventsMet = await runEventBench(adminUrl, poolSize);
  const outcomesMet = await runOutcomeBench(adminUrl, poolSize, issuer.url, token);
  const safetyMet = await runSafetyBench(adminUrl, poolSize, issuer.url);
  const ehrMet = await runEhrBench(adminUrl, poolSize);
  // A missed target fails the run, so CI or a script can act on it.
  return metSoFar && suggestionsMet && eventsMet && outcomesMet && safetyMet && ehrMet;
}

async function withServer<T>(
  kind: 'peerbridge' | 'baseline',
  databaseUrl: string,
  fn: (server: ServerThread) => Promise<T>,
): Promise<T> {
  const server = await startServerThread(
    kind === 'peerbridge'
      ? { kind, databaseUrl, poolSize, issuerUrl: issuer.url }
      : { kind, databaseUrl, poolSize },
  );
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

function peerbridgeTarget(server: ServerThread, databaseUrl: string): ThroughputTarget {
  return {
    baseUrl: server.baseUrl,
    token,
    createPath: '/fhir/ServiceRequest',
    readPath: (id) => `/fhir/ServiceRequest/${id}`,
    longestStallMs: () => server.longestStallMs(),
    createdIds: () =>
      ids(databaseUrl, `SELECT id FROM referral.resource WHERE resource_type = 'ServiceRequest' LIMIT 2000`),
  };
}

function baselineTarget(server: ServerThread, databaseUrl: string): ThroughputTarget {
  return {
    baseUrl: server.baseUrl,
    createPath: '/items',
    readPath: (id) => `/items/${id}`,
    longestStallMs: () => server.longestStallMs(),
    createdIds: () => ids(databaseUrl, 'SELECT id FROM baseline_item LIMIT 2000'),
  };
}

async function ids(databaseUrl: string, sql: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<{ id: string }>(sql)).rows.map((row) => row.id);
  } finally {
    await client.end();
  }
}
