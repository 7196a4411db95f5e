import type { Logger, Workers } from '@peerbridge/shared';
import type { IntakePoller } from './intake-poll.js';

/**
 * One intake loop per connection with intake on: a poll every `intervalSeconds` (the first one
 * interval after start, so that start-up is not held by an EHR), never two of one connection at
 * once in this process. A failed poll is logged (connection and error class only) and tried
 * again at the next interval: the cursor moved only with what committed, so nothing is lost.
 */
export function intakeWorkers(pollers: readonly IntakePoller[], logger: Logger): Workers {
  const timers = new Map<IntakePoller, NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;

  const schedule = (poller: IntakePoller) => {
    if (stopped) {
      return;
    }
    const timer = setTimeout(() => {
      const run = pollOnce(poller).finally(() => {
        running.delete(run);
        schedule(poller);
      });
      running.add(run);
    }, poller.connection.intake.intervalSeconds * 1000);
    timer.unref();
    timers.set(poller, timer);
  };

  const pollOnce = async (poller: IntakePoller) => {
    try {
      const result = await poller.poll();
      if (result.accepted + result.rejected > 0) {
        logger.info('intake poll', { connection: poller.connection.id, ...result });
      }
    } catch (error) {
      logger.warn('intake poll failed', {
        connection: poller.connection.id,
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
  };

  return {
    async start() {
      stopped = false;
      pollers.filter((poller) => poller.connection.intake.mode !== 'off').forEach(schedule);
    },
    async stop() {
      stopped = true;
      timers.forEach((timer) => clearTimeout(timer));
      timers.clear();
      await Promise.all(running);
    },
  };
}
