import type { EventBenchRun } from './event-delivery.js';

/** Issue 10's targets for event delivery. */
export const EVENT_TARGETS = { share: 0.5, p99Ms: 1000 } as const;

const write = (line = '') => process.stdout.write(`${line}\n`);

/** Prints the event figures beside raw pg-boss's; true when both targets are met. */
export function printEventDelivery(run: EventBenchRun, ratePerSecond: number): boolean {
  const { ours, baseline } = run;
  const share = ours.throughput.eventsPerSecond / baseline.throughput.eventsPerSecond;
  write('\nEvent delivery on PostgreSQL, commit → consumer (one consumer), against raw pg-boss send → work');
  const rows = [
    ['PeerBridge events', ours, `${(share * 100).toFixed(0)} %`],
    ['raw pg-boss', baseline, ''],
  ] as const;
  write(
    `  ${''.padEnd(18)} ${'events/s'.padStart(9)} ${'of raw'.padStart(7)}   ` +
      `at ${ratePerSecond}/s: ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)}`,
  );
  for (const [name, figures, ratio] of rows) {
    write(
      `  ${name.padEnd(18)} ${figures.throughput.eventsPerSecond.toFixed(0).padStart(9)} ${ratio.padStart(7)}   ` +
        `${''.padEnd(`at ${ratePerSecond}/s:`.length)} ${figures.latency.p50.toFixed(0).padStart(7)} ${figures.latency.p99.toFixed(0).padStart(7)}`,
    );
  }
  const shareMet = share >= EVENT_TARGETS.share;
  const p99Met = ours.latency.p99 < EVENT_TARGETS.p99Ms;
  write(
    `  Targets: throughput ≥ ${EVENT_TARGETS.share * 100} % of raw pg-boss: ${shareMet ? 'met' : 'missed'}; ` +
      `p99 commit → consumer at ${ratePerSecond}/s < ${EVENT_TARGETS.p99Ms} ms: ${p99Met ? 'met' : 'missed'}`,
  );
  return shareMet && p99Met;
}
