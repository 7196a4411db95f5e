import { parseConfig } from '../config/config.js';
import { createLogger } from '../logging/logger.js';
import { hostServices } from './host.js';
import { runServer } from './run-server.js';
import type { ServiceModule } from './service-module.js';

/** Entry point shared by every service's main.ts and by the all-in-one development process. */
export async function main(
  name: string,
  defaultPort: number,
  services: readonly ServiceModule[],
): Promise<void> {
  const config = parseConfig(process.env, { port: defaultPort });
  const logger = createLogger({ level: config.logLevel, service: name });
  let accepting = true;
  const { app, db } = await hostServices(config, logger, services, () => accepting);
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
