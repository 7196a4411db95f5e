import { performance } from 'node:perf_hooks';
import type { Database } from '@peerbridge/shared';

/** Time spent in a kind of call, and how many calls. */
export class CallTimer {
  calls = 0;
  ms = 0;

  async time<T>(call: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await call();
    } finally {
      this.calls += 1;
      this.ms += performance.now() - start;
    }
  }

  reset(): void {
    this.calls = 0;
    this.ms = 0;
  }
}

/**
 * The database with each query and each whole transaction timed: where a worker's time goes
 * besides its HTTP calls. A transaction counts as one call (its statements are not counted apart).
 */
export function timedDatabase(db: Database, timer: CallTimer): Database {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'query') {
        return (...args: Parameters<Database['query']>) => timer.time(() => target.query(...args));
      }
      if (property === 'transaction') {
        return <T>(fn: Parameters<Database['transaction']>[0]) =>
          timer.time(() => target.transaction(fn as never) as Promise<T>);
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
