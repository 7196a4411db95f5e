import { openPostgresDatabase } from '@peerbridge/shared';
import { answersSumming, PHQ9_ITEMS, phq9Outcome, phq9Response } from '../encounter/support/outcomes.js';
import { createBenchDatabase } from './bench-database.js';
import { LoadGenerator, combine, type LoadResult } from './load.js';
import { startServerThread } from './server-thread.js';
import { alternate, type Measured, type Timing } from './throughput.js';

/** The target: recordOutcome at ≥ 40 % of the throughput of a plain FHIR create. */
export const OUTCOME_TARGET_SHARE = 0.4;
const TIMING: Timing = { warmUpSeconds: 2, rounds: 3, secondsPerRound: 3 };
const CONNECTIONS = 16;
const REFERRAL = 'bench-outcome-referral';
const PATIENT = 'Patient/bench-outcome-patient';

const write = (line = '') => process.stdout.write(`${line}\n`);

/**
 * `npm run bench -- outcomes`: POST /api/encounter/outcomes (a PHQ-9, item 9 = 0: the
 * QuestionnaireResponse, its two score Observations and the outcome.recorded event in one
 * transaction, after the care team's lookup) against a plain FHIR create of the same
 * QuestionnaireResponse (POST /fhir/QuestionnaireResponse on a server with the FHIR kit's plain
 * create: validated against the same profile, stored and indexed, nothing scored; see
 * plain-questionnaire-responses.ts), in alternating closed-loop rounds, same database, same
 * authorization. True when the target is met.
 */
export async function runOutcomeBench(
  adminUrl: string,
  poolSize: number,
  issuerUrl: string,
  token: string,
): Promise<boolean> {
  const database = await createBenchDatabase(adminUrl, 'outcomes');
  const server = await startServerThread({
    kind: 'peerbridge',
    databaseUrl: database.url,
    poolSize,
    issuerUrl,
  });
  const plain = await startServerThread({
    kind: 'peerbridge',
    databaseUrl: database.url,
    poolSize,
    issuerUrl,
    services: 'plain-questionnaire-responses',
  });
  const generator = LoadGenerator.start();
  try {
    await seedCareTeam(database.url);
    const drive = (baseUrl: string, path: string, body: unknown, contentType: string) => (seconds: number) =>
      generator.run({
        baseUrl,
        token,
        pace: { kind: 'closed-loop', connections: CONNECTIONS },
        seconds,
        requests: { kind: 'post', path, body: JSON.stringify(body), contentType },
      });
    const record = drive(
      server.baseUrl,
      '/api/encounter/outcomes',
      phq9Outcome(REFERRAL, 9),
      'application/json',
    );
    const response = phq9Response(PATIENT, 9);
    response.item = answersSumming(PHQ9_ITEMS, 9).map(({ linkId, value }) => ({
      linkId,
      answer: [{ valueInteger: value }],
    }));
    const plainCreate = drive(
      plain.baseUrl,
      '/fhir/QuestionnaireResponse',
      response,
      'application/fhir+json',
    );
    const [ours, baseline] = await alternate([record, plainCreate], TIMING, combine);
    return printOutcomes(ours, baseline);
  } finally {
    await generator.stop();
    await server.stop();
    await plain.stop();
    await database.drop();
  }
}

/** The referral's care team as the care-team service's events would have left it. */
async function seedCareTeam(url: string): Promise<void> {
  const db = openPostgresDatabase(url, 1);
  try {
    await db.query(
      `INSERT INTO encounter.care_team (id, referral_id, patient, status, peer_supporter_id)
       VALUES ('bench-care-team', $1, $2, 'active', NULL)`,
      [REFERRAL, PATIENT],
    );
  } finally {
    await db.close();
  }
}

function printOutcomes(ours: Measured<LoadResult>, baseline: Measured<LoadResult>): boolean {
  const line = (label: string, result: LoadResult) =>
    write(
      `  ${label.padEnd(34)} ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s  ` +
        `p50 ${result.p50.toFixed(1)} ms  p99 ${result.p99.toFixed(1)} ms  (${result.requests} requests)`,
    );
  write(
    `\nOutcome questionnaires, PHQ-9 (item 9 = 0), ${CONNECTIONS} connections, ` +
      `${TIMING.rounds} alternating rounds of ${TIMING.secondsPerRound} s`,
  );
  line('recordOutcome (REST)', ours.all);
  line('plain FHIR create, same response', baseline.all);
  const share = ours.all.requestsPerSecond / baseline.all.requestsPerSecond;
  const met = share >= OUTCOME_TARGET_SHARE;
  write(
    `  ratio recordOutcome / plain FHIR create: ${(share * 100).toFixed(0)} % ` +
      `(target ≥ ${OUTCOME_TARGET_SHARE * 100} %: ${met ? 'met' : 'MISSED'})`,
  );
  return met;
}
