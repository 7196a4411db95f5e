import { parseConfig } from '../config/config.js';
import { createLogger } from '../logging/logger.js';
import { hostServices } from './host.js';
import { configureHost, type HostExtension } from './host-extension.js';
import { runServer } from './run-server.js';
import type { ServiceModule } from './service-module.js';

/**
 * Entry point shared by every service's main.ts and by the all-in-one development process, which
 * also passes the extensions it runs beside the services (the development sandbox).
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
  const { app, db } = await hostServices(config, logger, services, () => accepting, extensions);
  await runServer({
    app,
    port: config.port,
    logger,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    onShutdownStarted: () => {
      accepting = false;
    },
    onClosed: () => db.close(),
  });
  logger.info('database', { kind: db.kind });
}
