import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, Task } from '@medplum/fhirtypes';
import { PEERBRIDGE_RESOURCE_SYSTEM } from '@peerbridge/ehr-integration';
import { startListeningTestApp, type ListeningTestApp } from '../support/test-app.js';
import { processStorage, type ProcessStorage } from '../support/process-storage.js';
import { lastProgress, startReportingProcess, type ReportingProcess } from '../support/reporting-process.js';
import { waitFor } from '../support/wait-for.js';
import { clearEhrFault, setEhrFault } from './sandbox-ehr-access.js';
import { connectionTo, ehrReferral, seeder } from './support/write-back-program.js';

// PeerBridge killed with -9 in the middle of write-back and started again (issue 13, item 7):
// PeerBridge runs as a child process on a database of its own, taking referrals in from the
// sandbox EHR this test hosts (which lives on through the kill) and writing back each referral's
// Task; the EHR is slowed so that the kill lands with writes in flight and in line.

const NEW_REFERRALS = 16;
/** The sandbox EHR's demo data holds four referrals waiting too. */
const REFERRALS = NEW_REFERRALS + 4;

let ehr: ListeningTestApp;
let storage: ProcessStorage;
let clinic: Record<string, unknown>;

beforeAll(async () => {
  storage = await processStorage('peerbridge_write_back_kill');
  ehr = await startListeningTestApp([], (baseUrl) => {
    clinic = connectionTo(baseUrl, {
      id: 'clinic',
      clientId: 'peerbridge-clinic',
      intake: { mode: 'service-request', intervalSeconds: 1 },
      writeBack: ['Task'],
      requestTimeoutMs: 2000,
    });
    return {
      SANDBOX: '1',
      EHR_CONNECTIONS: JSON.stringify([
        clinic,
        connectionTo(baseUrl, {
          id: 'seeder',
          clientId: 'ehr-test-seeder',
          scopes: 'system/Patient.rs system/ServiceRequest.cruds system/Task.cruds',
          intake: { mode: 'off' },
        }),
      ]),
    };
  });
});
afterAll(async () => {
  await ehr.close();
  await storage.drop();
});

function startPeerBridge(): ReportingProcess {
  return startReportingProcess('tests/ehr/support/write-back-process.ts', {
    ...storage.env,
    PORT: '0',
    LOG_LEVEL: 'error',
    SANDBOX: '0',
    SMART_ISSUERS: 'https://issuer.test',
    EHR_CONNECTIONS: JSON.stringify([clinic]),
    WRITE_BACK_INTERVAL_MS: '50',
    WRITE_BACK_RETRY_DELAY_MS: '50',
    EVENT_HEARTBEAT_SECONDS: '10',
  });
}

const delivered = (process: ReportingProcess) =>
  (lastProgress(process)?.delivered as number | undefined) ?? 0;

/** The PeerBridge identities of the Tasks written to the EHR, one entry per EHR resource. */
async function writtenTasks(): Promise<string[]> {
  const bundle = (await seeder(ehr).search('Task', {
    identifier: `${PEERBRIDGE_RESOURCE_SYSTEM}|`,
    _count: 500,
  })) as unknown as Bundle<Task>;
  return (bundle.entry ?? []).map(
    (entry) => entry.resource!.identifier!.find((id) => id.system === PEERBRIDGE_RESOURCE_SYSTEM)!.value!,
  );
}

describe('write-back killed with -9', () => {
  it('when PeerBridge is killed while writing back and started again, then every write arrives and none twice', async () => {
    for (let patient = 1; patient <= NEW_REFERRALS; patient += 1) {
      await ehrReferral(ehr, (patient % 12) + 1);
    }
    // Every EHR request answers after 100 ms: writes are in flight when the kill comes.
    await setEhrFault(ehr.baseUrl, { kind: 'hang', target: 'fhir', hangMs: 100 });
    const first = startPeerBridge();
    try {
      await waitFor('some write-backs delivered', async () => delivered(first) >= 3, { timeoutMs: 90_000 });
      first.child.kill('SIGKILL');
      expect(await first.exited).toBeNull();
    } finally {
      first.child.kill('SIGKILL');
    }
    // The kill came with writes still to make, or the test would prove nothing.
    expect(delivered(first)).toBeLessThan(REFERRALS);
    await clearEhrFault(ehr.baseUrl);

    const second = startPeerBridge();
    try {
      await waitFor(
        'every referral taken in and its Task written back',
        async () => lastProgress(second)?.total === REFERRALS && delivered(second) === REFERRALS,
        { timeoutMs: 90_000 },
      );
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      second.child.kill('SIGKILL');
    }

    const tasks = await writtenTasks();
    expect(tasks).toHaveLength(REFERRALS);
    expect(new Set(tasks).size).toBe(REFERRALS);
  }, 240_000);
});
