import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Logger } from '../logging/logger.js';
import { answerClientErrors } from './client-errors.js';

export interface RunningServer {
  readonly server: Server;
  /** Stops accepting, lets in-flight requests finish (up to the timeout), then runs onClosed. */
  shutdown(): Promise<void>;
}

/**
 * Listens, and on SIGTERM or SIGINT shuts down gracefully: stop accepting connections, finish
 * in-flight requests, close idle keep-alive connections, then release resources (the pool).
 */
export function runServer(options: {
  app: Express;
  port: number;
  logger: Logger;
  shutdownTimeoutMs: number;
  onShutdownStarted?: () => void;
  onClosed: () => Promise<void>;
}): Promise<RunningServer> {
  const { app, logger } = options;
  return new Promise((resolve) => {
    const server = app.listen(options.port, () => {
      answerClientErrors(server, logger);
      const address = server.address();
      logger.info('listening', {
        port: typeof address === 'object' && address ? address.port : options.port,
      });
      let closing: Promise<void> | undefined;
      const shutdown = () => {
        closing ??= (async () => {
          logger.info('shutting down');
          options.onShutdownStarted?.();
          const closed = new Promise<void>((done) => server.close(() => done()));
          server.closeIdleConnections();
          const timer = setTimeout(() => server.closeAllConnections(), options.shutdownTimeoutMs);
          await closed;
          clearTimeout(timer);
          await options.onClosed();
          logger.info('stopped');
        })();
        return closing;
      };
      process.once('SIGTERM', () => void shutdown());
      process.once('SIGINT', () => void shutdown());
      resolve({ server, shutdown });
    });
  });
}
