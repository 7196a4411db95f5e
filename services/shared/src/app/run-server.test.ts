import { describe, expect, it } from '@jest/globals';
import express from 'express';
import winston from 'winston';
import { runServer } from './run-server.js';

const silent = winston.createLogger({ silent: true });

describe('runServer', () => {
  it('when shutdown starts during a request, then that request finishes, new ones are refused and resources close', async () => {
    const app = express();
    app.get('/slow', (_req, res) => {
      setTimeout(() => res.send('done'), 300);
    });
    let closed = false;
    let shutdownStarted = false;
    const running = await runServer({
      app,
      port: 0,
      logger: silent,
      shutdownTimeoutMs: 5000,
      onShutdownStarted: () => {
        shutdownStarted = true;
      },
      onClosed: async () => {
        closed = true;
      },
    });
    const address = running.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    const inFlight = fetch(`http://127.0.0.1:${port}/slow`).then((res) => res.text());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopping = running.shutdown();

    expect(shutdownStarted).toBe(true);
    await expect(fetch(`http://127.0.0.1:${port}/slow`)).rejects.toThrow();
    expect(await inFlight).toBe('done');
    await stopping;
    expect(closed).toBe(true);
  });
});
