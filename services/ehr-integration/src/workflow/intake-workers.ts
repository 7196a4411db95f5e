import type { Logger, Workers } from '@peerbridge/shared';
import { connectionLoops } from './connection-loops.js';
import type { IntakePoller } from './intake-poll.js';

/**
 * One intake loop per connection with intake on, a poll every `intervalSeconds`. A failed poll is
 * tried again at the next interval: the cursor moved only with what committed.
 */
export function intakeWorkers(pollers: readonly IntakePoller[], logger: Logger): Workers {
  return connectionLoops(
    pollers
      .filter((poller) => poller.connection.intake.mode !== 'off')
      .map((poller) => ({
        name: 'intake poll',
        connectionId: poller.connection.id,
        intervalMs: poller.connection.intake.intervalSeconds * 1000,
        async run() {
          const result = await poller.poll();
          return result.accepted + result.rejected > 0 ? { ...result } : undefined;
        },
      })),
    logger,
  );
}
