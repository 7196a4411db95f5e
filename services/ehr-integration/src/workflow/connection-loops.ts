import type { Logger, Workers } from '@peerbridge/shared';

/** Work done for one EHR connection again and again: an intake poll, a write-back delivery. */
export interface ConnectionLoop {
  /** What the log calls it: `intake poll`, `write-back`. */
  readonly name: string;
  readonly connectionId: string;
  readonly intervalMs: number;
  /** Counts worth a log line, or undefined when there was nothing to tell. */
  run(): Promise<Record<string, number | string> | undefined>;
}

/**
 * Runs each loop every `intervalMs` (the first run one interval after start, so that start-up is
 * never held by an EHR), never two runs of one loop at once in this process. A failed run is
 * logged (connection and error class only: an EHR's answer may hold PHI) and tried again at the
 * next interval: each loop keeps its progress in the database, so nothing is lost.
 */
export function connectionLoops(loops: readonly ConnectionLoop[], logger: Logger): Workers {
  const timers = new Map<ConnectionLoop, NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;

  const runOnce = async (loop: ConnectionLoop) => {
    try {
      const counts = await loop.run();
      if (counts) {
        logger.info(loop.name, { connection: loop.connectionId, ...counts });
      }
    } catch (error) {
      logger.warn(`${loop.name} failed`, {
        connection: loop.connectionId,
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
  };

  const schedule = (loop: ConnectionLoop) => {
    if (stopped) {
      return;
    }
    const timer = setTimeout(() => {
      const run = runOnce(loop).finally(() => {
        running.delete(run);
        schedule(loop);
      });
      running.add(run);
    }, loop.intervalMs);
    timer.unref();
    timers.set(loop, timer);
  };

  return {
    async start() {
      stopped = false;
      loops.forEach(schedule);
    },
    async stop() {
      stopped = true;
      timers.forEach((timer) => clearTimeout(timer));
      timers.clear();
      await Promise.all(running);
    },
  };
}
