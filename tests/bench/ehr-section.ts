import os from 'node:os';
import { openPostgresDatabase } from '@peerbridge/shared';
import { connectionTo, startWriteBackApp } from '../ehr/support/write-back-host.js';
import type { ListeningTestApp } from '../support/test-app.js';
import { createBenchDatabase } from './bench-database.js';
import { INTAKE_CONNECTION, measureIntake, type IntakeFigures } from './ehr-intake.js';
import {
  measureWriteBack,
  WRITE_BACK_CONNECTION,
  type WriteBackFigures,
  type WriteBackTiming,
} from './ehr-write-back.js';

/** Issue 13's target: write-back at ≥ 70 % of direct conditional updates into the same EHR. */
export const WRITE_BACK_TARGET_SHARE = 0.7;
const WRITE_BACK = { rounds: 8, perRound: 125, warmUp: 50 };
const INTAKE_REFERRALS = 1_000;

const write = (line = '') => process.stdout.write(`${line}\n`);

/**
 * `npm run bench -- ehr`: every service and the sandbox EHR (Medplum's FHIR router, in memory)
 * hosted in this process as the EHR tests host them, listening on loopback, on PostgreSQL (a
 * database of its own per part, dropped at the end): write-back throughput against direct
 * conditional updates, then the intake of 1,000 waiting EHR referrals in one poll against a
 * direct search-and-create. True when the write-back target is met (intake has no target).
 */
export async function runEhrBench(adminUrl: string, poolSize: number): Promise<boolean> {
  write(`\nEHR write-back and intake: ${loadAverage()}`);
  const writeBack = await withEhrApp(
    adminUrl,
    poolSize,
    'ehr_write_back',
    (baseUrl) =>
      connectionTo(baseUrl, {
        id: WRITE_BACK_CONNECTION,
        clientId: 'peerbridge-bench-clinic',
        intake: { mode: 'service-request', intervalSeconds: 86_400 },
        writeBack: ['Flag'],
      }),
    (t) => measureWriteBack(t, WRITE_BACK),
  );
  const met = printWriteBack(writeBack);
  write(`\n${loadAverage()}`);
  const intake = await withEhrApp(
    adminUrl,
    poolSize,
    'ehr_intake',
    (baseUrl) =>
      connectionTo(baseUrl, {
        id: INTAKE_CONNECTION,
        clientId: 'peerbridge-bench-intake',
        intake: { mode: 'service-request', intervalSeconds: 86_400 },
      }),
    (t) => measureIntake(t, INTAKE_REFERRALS),
  );
  printIntake(intake);
  return met;
}

function loadAverage(): string {
  const [one, five] = os.loadavg();
  return `load average ${one!.toFixed(1)} (1 min), ${five!.toFixed(1)} (5 min) on ${os.cpus().length} cores`;
}

async function withEhrApp<T>(
  adminUrl: string,
  poolSize: number,
  label: string,
  ehrConnection: (baseUrl: string) => Record<string, unknown>,
  measure: (t: ListeningTestApp) => Promise<T>,
): Promise<T> {
  const database = await createBenchDatabase(adminUrl, label);
  try {
    const t = await startWriteBackApp(
      (baseUrl) => [ehrConnection(baseUrl)],
      { DATABASE_POOL_SIZE: String(poolSize) },
      openPostgresDatabase(database.url, poolSize),
    );
    try {
      return await measure(t);
    } finally {
      await t.close();
    }
  } finally {
    await database.drop();
  }
}

function printWriteBack({ deliverer, baseline, inLine, rounds }: WriteBackFigures): boolean {
  const rate = (timing: WriteBackTiming) => (timing.rows * 1000) / timing.ms;
  const perRow = (ms: number, rows: number) => (ms / rows).toFixed(2);
  write(
    `\nWrite-back to the sandbox EHR: ${deliverer.rows} safety flags in ${rounds.length} alternating rounds, ` +
      'one conditional update (PUT Flag?identifier=…) at a time',
  );
  const line = (label: string, timing: WriteBackTiming) =>
    write(
      `  ${label.padEnd(44)} ${rate(timing).toFixed(0).padStart(5)} resources/s  ` +
        `(${perRow(timing.ms, timing.rows)} ms each: EHR calls ${perRow(timing.http.ms, timing.rows)} ms ` +
        `[${timing.http.calls}], PeerBridge queries ${perRow(timing.queries.ms, timing.rows)} ms ` +
        `[${timing.queries.calls}])`,
    );
  line('deliverer.deliver() of rows in line', deliverer);
  line('baseline: EhrFhirClient.upsertByIdentifier', baseline);
  write(
    `  Each round, deliverer / baseline resources/s: ${rounds
      .map(([ours, direct]) => `${ours.toFixed(0)}/${direct.toFixed(0)}`)
      .join('  ')}`,
  );
  write(
    `  Putting them in line (commit each safety.flagged event, relay, write-back consumer): ` +
      `${((inLine.rows * 1000) / inLine.ms).toFixed(0)} events/s, not part of the ratio`,
  );
  const share = rate(deliverer) / rate(baseline);
  const met = share >= WRITE_BACK_TARGET_SHARE;
  write(
    `  ratio write-back / direct: ${(share * 100).toFixed(0)} % ` +
      `(target ≥ ${WRITE_BACK_TARGET_SHARE * 100} %: ${met ? 'met' : 'MISSED'})`,
  );
  return met;
}

function printIntake(figures: IntakeFigures): void {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  write(
    `\nIntake of ${figures.referrals} waiting EHR referrals (peer-support ServiceRequests, 12 demo patients)`,
  );
  write(
    `  one poll():                 ${s(figures.poll.ms)} until intake committed ` +
      `(${figures.poll.pages} pages; EHR calls ${s(figures.poll.http.ms)} [${figures.poll.http.calls}], ` +
      `PeerBridge queries and page transactions ${s(figures.poll.queries.ms)} [${figures.poll.queries.calls}])`,
  );
  write(
    `  then the referral service:  ${s(figures.referralsCreatedMs)} after the poll began, all ` +
      `${figures.referrals} referrals created (by its consumer of the intake events)`,
  );
  write(
    `  baseline, direct:           ${s(figures.direct.ms)} to page through the same search and create each ` +
      `referral with POST /fhir/ServiceRequest, one at a time (EHR calls ${s(figures.direct.searchMs)}, ` +
      `creates ${s(figures.direct.createMs)})`,
  );
  write(
    `  ratio: intake committed in ${(figures.poll.ms / figures.direct.ms).toFixed(2)}x, referrals created in ` +
      `${(figures.referralsCreatedMs / figures.direct.ms).toFixed(2)}x the direct time`,
  );
}
