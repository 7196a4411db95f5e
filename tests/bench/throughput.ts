import { combine, load, type LoadResult } from './load.js';
import { serviceRequestBody } from './service-request-body.js';

/** A server under test: where it creates and reads, and how to list ids it has created. */
export interface ThroughputTarget {
  readonly baseUrl: string;
  /** Bearer token for every request, when the server authorizes requests. */
  readonly token?: string;
  readonly createPath: string;
  readonly readPath: (id: string) => string;
  readonly createdIds: () => Promise<string[]>;
}

export interface ThroughputFigures {
  readonly create: LoadResult;
  readonly read: LoadResult;
}

export interface Timing {
  readonly warmUpSeconds: number;
  /** Each target is measured in this many rounds, alternating with the other target. */
  readonly rounds: number;
  readonly secondsPerRound: number;
}

export const CONNECTIONS = 32;

/**
 * Create, then read back what was created, for PeerBridge and the baseline. Each starts with a
 * warm-up (JIT, pool connections, PostgreSQL caches) whose figures are discarded. The two
 * targets are then measured in alternating rounds, so that a change in the machine's background
 * load during the run weighs on both alike instead of on whichever ran second.
 */
export async function measureThroughput(
  ours: ThroughputTarget,
  baseline: ThroughputTarget,
  timing: Timing,
): Promise<{ ours: ThroughputFigures; baseline: ThroughputFigures }> {
  const create = (target: ThroughputTarget) => (seconds: number) =>
    load({
      baseUrl: target.baseUrl,
      token: target.token,
      method: 'POST',
      connections: CONNECTIONS,
      seconds,
      next: () => ({ path: target.createPath, body: serviceRequestBody() }),
    });
  const [ourCreate, baselineCreate] = await alternate([create(ours), create(baseline)], timing);

  const read = async (target: ThroughputTarget) => {
    const ids = await target.createdIds();
    let n = 0;
    return (seconds: number) =>
      load({
        baseUrl: target.baseUrl,
        token: target.token,
        method: 'GET',
        connections: CONNECTIONS,
        seconds,
        next: () => ({ path: target.readPath(ids[n++ % ids.length]!) }),
      });
  };
  const [ourRead, baselineRead] = await alternate([await read(ours), await read(baseline)], timing);
  return {
    ours: { create: ourCreate, read: ourRead },
    baseline: { create: baselineCreate, read: baselineRead },
  };
}

type Run = (seconds: number) => Promise<LoadResult>;

async function alternate(runs: [Run, Run], timing: Timing): Promise<[LoadResult, LoadResult]> {
  for (const run of runs) {
    await run(timing.warmUpSeconds);
  }
  const results: [LoadResult[], LoadResult[]] = [[], []];
  for (let round = 0; round < timing.rounds; round++) {
    for (const [n, run] of runs.entries()) {
      results[n]!.push(await run(timing.secondsPerRound));
    }
  }
  return [combine(results[0]), combine(results[1])];
}
