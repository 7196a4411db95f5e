import { parseConfig } from '../config/config.js';
import { createLogger } from '../logging/logger.js';
import { hostServices } from './host.js';
import { configureHost, type HostExtension } from './host-extension.js';
import { runServer } from './run-server.js';
import { withinMs } from './time-limit.js';
import type { ServiceModule } from './service-module.js';

/**
 * Entry point shared by every service's main.ts and by the all-in-one development process, which
 * also passes the extensions it runs beside the services (the development sandbox): the
 * services' routes and their workers. On SIGTERM the workers stop claiming jobs at once, and
 * running ones, like in-flight requests, get SHUTDOWN_TIMEOUT_MS to finish.
 */
export async function main(
  name: string,
  defaultPort: number,
  services: readonly ServiceModule[],
  extensions: readonly HostExtension[] = [],
): Promise<void> {
  const config = configureHost(parseConfig(process.env, { port: defaultPort }), extensions);
  const logger = createLogger({ level: config.logLevel, service: name });
  if (config.smart.issuers.length === 0) {
    logger.warn('no trusted token issuer: every protected request will be refused; set SMART_ISSUERS');
  }
  let accepting = true;
  const { app, db, bus, workers } = await hostServices(config, logger, services, () => accepting, extensions);
  await workers.start();
  let workersStopped: Promise<void> | undefined;
  await runServer({
    app,
    port: config.port,
    logger,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    onShutdownStarted: () => {
      accepting = false;
      // Running jobs may finish, but no longer than the timeout: shutdown must end.
      workersStopped = withinMs(workers.stop(), config.shutdownTimeoutMs, undefined);
    },
    onClosed: async () => {
      await workersStopped;
      await bus.stop(config.shutdownTimeoutMs);
      await db.close();
    },
  });
  logger.info('database', { kind: db.kind });
  for (const extension of extensions) {
    await extension.started?.(config, logger);
  }
}
