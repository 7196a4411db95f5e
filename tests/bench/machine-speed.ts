import { performance } from 'node:perf_hooks';
import { serviceRequestBody } from './service-request-body.js';

const BODY = serviceRequestBody();
const REPETITIONS = 2_000;
const TRIES = 3;

/**
 * Milliseconds this machine takes for one fixed piece of CPU work (parsing and serialising the
 * bench's ServiceRequest 2,000 times on one thread), taken while no load runs: the best of three
 * tries, so a garbage collection in one try does not count as the machine being slow. On a
 * shared VM the same work can take twice as long from one minute to the next; probing before
 * every round shows how much the machine itself moved while the figures were taken.
 */
export function probeMachineSpeed(): number {
  let best = Infinity;
  for (let attempt = 0; attempt < TRIES; attempt++) {
    best = Math.min(best, timeWork());
  }
  return best;
}

function timeWork(): number {
  const started = performance.now();
  let length = 0;
  for (let n = 0; n < REPETITIONS; n++) {
    length += JSON.stringify(JSON.parse(BODY)).length;
  }
  const elapsed = performance.now() - started;
  if (length !== REPETITIONS * BODY.length) {
    throw new Error('machine speed probe: the round trip changed the body');
  }
  return elapsed;
}

// Compiled and warmed before the first probe, so that the first figure is not the JIT's.
timeWork();
