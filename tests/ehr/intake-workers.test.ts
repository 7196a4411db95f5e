import { describe, expect, it } from '@jest/globals';
import { intakeWorkers } from '../../services/ehr-integration/src/workflow/intake-workers.js';
import type { IntakePoller } from '@peerbridge/ehr-integration';
import { createLogger, type EhrConnection } from '@peerbridge/shared';
import { waitFor } from '../support/wait-for.js';

const logger = createLogger({ level: 'error', service: 'test', silent: true });

/** A poll that counts its calls and fails every other one, as an EHR outage would make it. */
function countingPoller(mode: EhrConnection['intake']['mode']) {
  let polls = 0;
  const poller = {
    connection: { id: `clinic-${mode}`, intake: { mode, intervalSeconds: 1 } },
    async poll() {
      polls += 1;
      if (polls % 2 === 1) {
        throw new Error('the EHR is down');
      }
      return { pages: 1, accepted: 0, rejected: 0 };
    },
  };
  return { poller: poller as unknown as IntakePoller, polls: () => polls };
}

describe('intake workers', () => {
  it('when started, then each connection with intake on is polled every interval, a failed poll does not stop the loop, and stop ends it', async () => {
    const on = countingPoller('service-request');
    const off = countingPoller('off');
    const workers = intakeWorkers([on.poller, off.poller], logger);
    await workers.start();
    expect(on.polls()).toBe(0);
    await waitFor('three polls', async () => on.polls() >= 3, { timeoutMs: 10_000 });
    await workers.stop();
    const stoppedAt = on.polls();
    expect(off.polls()).toBe(0);
    // Another interval passes with nothing polled: the loop has ended.
    await expect(
      waitFor('a poll after stop', async () => on.polls() > stoppedAt, { timeoutMs: 1_500 }),
    ).rejects.toThrow('Timed out waiting for a poll after stop');
  }, 20_000);
});
