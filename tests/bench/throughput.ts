import { combine, LoadGenerator, type LoadRequests, type LoadResult } from './load.js';
import { probeMachineSpeed } from './machine-speed.js';

/** A server under test: where it creates and reads, and how to list ids it has created. */
export interface ThroughputTarget {
  readonly baseUrl: string;
  /** Bearer token for every request, when the server authorizes requests. */
  readonly token?: string;
  readonly createPath: string;
  readonly readPath: (id: string) => string;
  readonly createdIds: () => Promise<string[]>;
  /** The server's longest event-loop stall since the last call (ServerThread.longestStallMs). */
  readonly longestStallMs?: () => Promise<number>;
}

/** One measured round, and probeMachineSpeed() in milliseconds just before it. */
export interface Round<R = LoadResult> {
  readonly result: R;
  readonly machineSpeedProbeMs: number;
}

/** All rounds as one, and each round on its own. */
export interface Measured<R = LoadResult> {
  readonly all: R;
  readonly rounds: readonly Round<R>[];
}

export interface ThroughputFigures {
  readonly create: Measured;
  readonly read: Measured;
}

export interface ThroughputRun {
  readonly ours: ThroughputFigures;
  readonly baseline: ThroughputFigures;
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
): Promise<ThroughputRun> {
  const generator = LoadGenerator.start();
  try {
    const drive = (target: ThroughputTarget, requests: LoadRequests) => (seconds: number) =>
      generator.run({
        baseUrl: target.baseUrl,
        token: target.token,
        pace: { kind: 'closed-loop', connections: CONNECTIONS },
        seconds,
        requests,
      });
    const create = (target: ThroughputTarget) => drive(target, { kind: 'create', path: target.createPath });
    const [ourCreate, baselineCreate] = await alternate([create(ours), create(baseline)], timing, combine);

    const read = async (target: ThroughputTarget) =>
      drive(target, { kind: 'read', paths: (await target.createdIds()).map(target.readPath) });
    const [ourRead, baselineRead] = await alternate(
      [await read(ours), await read(baseline)],
      timing,
      combine,
    );
    return {
      ours: { create: ourCreate, read: ourRead },
      baseline: { create: baselineCreate, read: baselineRead },
    };
  } finally {
    await generator.stop();
  }
}

type Run<R> = (seconds: number) => Promise<R>;

/**
 * Warms each target up, then measures them in alternating rounds, each after a machine speed
 * probe, and combines each target's rounds into one result.
 */
export async function alternate<R>(
  runs: [Run<R>, Run<R>],
  timing: Timing,
  combineRounds: (results: R[]) => R,
): Promise<[Measured<R>, Measured<R>]> {
  for (const run of runs) {
    await run(timing.warmUpSeconds);
  }
  const rounds: [Round<R>[], Round<R>[]] = [[], []];
  for (let round = 0; round < timing.rounds; round++) {
    for (const [n, run] of runs.entries()) {
      const machineSpeedProbeMs = probeMachineSpeed();
      rounds[n]!.push({ machineSpeedProbeMs, result: await run(timing.secondsPerRound) });
    }
  }
  const measured = (of: Round<R>[]): Measured<R> => ({
    all: combineRounds(of.map((r) => r.result)),
    rounds: of,
  });
  return [measured(rounds[0]), measured(rounds[1])];
}
