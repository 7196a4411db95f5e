import type { Logger, WriteBackConfig, Workers } from '@peerbridge/shared';
import { connectionLoops } from './connection-loops.js';
import type { WriteBackDeliverer } from './write-back-delivery.js';

/** One delivery loop per connection that writes anything back, every `WRITE_BACK_INTERVAL_MS`. */
export function writeBackWorkers(
  deliverers: readonly WriteBackDeliverer[],
  config: WriteBackConfig,
  logger: Logger,
): Workers {
  return connectionLoops(
    deliverers.map((deliverer) => ({
      name: 'write-back',
      connectionId: deliverer.connectionId,
      intervalMs: config.intervalMs,
      async run() {
        const result = await deliverer.deliver();
        return result.delivered + result.dead > 0
          ? { delivered: result.delivered, dead: result.dead }
          : undefined;
      },
    })),
    logger,
  );
}
