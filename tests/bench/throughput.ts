import { load, type LoadResult } from './load.js';
import { serviceRequestBody } from './service-request-body.js';

/** A server under test: where it creates and reads, and how to list ids it has created. */
export interface ThroughputTarget {
  readonly baseUrl: string;
  readonly createPath: string;
  readonly readPath: (id: string) => string;
  readonly createdIds: () => Promise<string[]>;
}

export interface ThroughputFigures {
  readonly create: LoadResult;
  readonly read: LoadResult;
}

export const CONNECTIONS = 32;

/**
 * Create, then read back what was created: each after a warm-up (JIT, pool connections,
 * PostgreSQL caches) whose figures are discarded.
 */
export async function measureThroughput(
  target: ThroughputTarget,
  timing: { warmUpSeconds: number; seconds: number },
): Promise<ThroughputFigures> {
  const create = (seconds: number) =>
    load({
      baseUrl: target.baseUrl,
      method: 'POST',
      connections: CONNECTIONS,
      seconds,
      next: () => ({ path: target.createPath, body: serviceRequestBody() }),
    });
  await create(timing.warmUpSeconds);
  const created = await create(timing.seconds);

  const ids = await target.createdIds();
  let n = 0;
  const read = (seconds: number) =>
    load({
      baseUrl: target.baseUrl,
      method: 'GET',
      connections: CONNECTIONS,
      seconds,
      next: () => ({ path: target.readPath(ids[n++ % ids.length]!) }),
    });
  await read(timing.warmUpSeconds);
  return { create: created, read: await read(timing.seconds) };
}
