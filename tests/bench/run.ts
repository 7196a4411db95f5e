import os from 'node:os';
import { parseConfig } from '@peerbridge/shared';
import pg from 'pg';
import { createBenchDatabase, type BenchDatabase } from './bench-database.js';
import { printSearchScaling, printThroughput } from './report.js';
import { measureSearchScaling } from './search-scaling.js';
import { startServerThread, type ServerThread } from './server-thread.js';
import { CONNECTIONS, measureThroughput, type ThroughputTarget } from './throughput.js';

/**
 * `npm run bench`: PeerBridge against a bare Express + pg baseline on the same PostgreSQL, then
 * search latency at 1,000 and 100,000 rows. Each section works in a database of its own, created
 * from DATABASE_URL and dropped at the end.
 */
const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const { databasePoolSize: poolSize } = parseConfig(process.env, { port: 0 });
const TIMING = { warmUpSeconds: 3, rounds: 3, secondsPerRound: 4 };
const write = (line: string) => process.stdout.write(`${line}\n`);

write(
  `PeerBridge bench: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), Node ${process.version}, ` +
    `pool ${poolSize}; ${TIMING.warmUpSeconds} s warm-up, then ${TIMING.rounds} rounds of ${TIMING.secondsPerRound} s ` +
    'alternating PeerBridge and baseline',
);

const databases: BenchDatabase[] = [];
const database = async (label: string) => {
  const created = await createBenchDatabase(adminUrl, label);
  databases.push(created);
  return created;
};

try {
  const throughputDb = await database('throughput');
  const { ours, baseline } = await withServer('peerbridge', throughputDb.url, (peerbridge) =>
    withServer('baseline', throughputDb.url, (bare) =>
      measureThroughput(
        peerbridgeTarget(peerbridge, throughputDb.url),
        baselineTarget(bare, throughputDb.url),
        TIMING,
      ),
    ),
  );
  const allMet = printThroughput(ours, baseline, CONNECTIONS);

  const searchDb = await database('search');
  const scaling = await withServer('peerbridge', searchDb.url, (server) =>
    measureSearchScaling(server.baseUrl, searchDb.url, { sizes: [1_000, 100_000], requests: 200 }),
  );
  printSearchScaling(scaling);
  // A missed target fails the run, so CI or a script can act on it.
  process.exitCode = allMet ? 0 : 1;
} finally {
  for (const created of databases) {
    await created.drop();
  }
}

async function withServer<T>(
  kind: 'peerbridge' | 'baseline',
  databaseUrl: string,
  fn: (server: ServerThread) => Promise<T>,
): Promise<T> {
  const server = await startServerThread({ kind, databaseUrl, poolSize });
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

function peerbridgeTarget(server: ServerThread, databaseUrl: string): ThroughputTarget {
  return {
    baseUrl: server.baseUrl,
    createPath: '/fhir/ServiceRequest',
    readPath: (id) => `/fhir/ServiceRequest/${id}`,
    createdIds: () =>
      ids(databaseUrl, `SELECT id FROM referral.resource WHERE resource_type = 'ServiceRequest' LIMIT 2000`),
  };
}

function baselineTarget(server: ServerThread, databaseUrl: string): ThroughputTarget {
  return {
    baseUrl: server.baseUrl,
    createPath: '/items',
    readPath: (id) => `/items/${id}`,
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
