import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { ServerWorkerData } from './server-worker.js';

export interface ServerThread {
  readonly baseUrl: string;
  /** The longest the server's event loop was held up since the last call (or since it started). */
  longestStallMs(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts a bench server on a worker thread and waits until it listens. */
export async function startServerThread(data: ServerWorkerData): Promise<ServerThread> {
  // stdout: true hands the server's log lines to this thread, which drops them unread.
  const worker = new Worker(new URL('./server-worker.ts', import.meta.url), {
    workerData: data,
    stdout: true,
  });
  worker.stdout.resume();
  const [message] = (await Promise.race([
    once(worker, 'message'),
    once(worker, 'error').then(([e]) => Promise.reject(e)),
  ])) as [{ port: number }];
  return {
    baseUrl: `http://127.0.0.1:${message.port}`,
    async longestStallMs() {
      worker.postMessage('longest-stall');
      const [answer] = (await once(worker, 'message')) as [{ longestStallMs: number }];
      return answer.longestStallMs;
    },
    async stop() {
      worker.postMessage('stop');
      await once(worker, 'message');
      await worker.terminate();
    },
  };
}
