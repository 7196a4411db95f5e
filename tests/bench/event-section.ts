import { createBenchDatabase } from './bench-database.js';
import { measureEventDelivery } from './event-delivery.js';
import { printEventDelivery } from './event-report.js';

/** Kept short (the machine is shared): a few seconds per side. */
const EVENT_TIMING = { throughputSeconds: 4, latencySeconds: 4, ratePerSecond: 100 };

/** The event delivery section in a database of its own; true when its targets are met. */
export async function runEventBench(adminUrl: string, poolSize: number): Promise<boolean> {
  const database = await createBenchDatabase(adminUrl, 'events');
  try {
    const run = await measureEventDelivery(database.url, poolSize, EVENT_TIMING);
    return printEventDelivery(run, EVENT_TIMING.ratePerSecond);
  } finally {
    await database.drop();
  }
}
