import { parentPort, workerData } from 'node:worker_threads';
import { startBaseline } from './baseline-server.js';
import { startPeerBridge } from './peerbridge-server.js';

/**
 * Runs one bench server on its own thread, so the server and the load generator (autocannon, on
 * the main thread) do not share an event loop: each gets a core of its own, as they would as
 * separate processes, while the system is still hosted in this process by its own factories.
 */
export interface ServerWorkerData {
  readonly kind: 'peerbridge' | 'baseline';
  readonly databaseUrl: string;
  readonly poolSize: number;
}

const { kind, databaseUrl, poolSize } = workerData as ServerWorkerData;
const start = kind === 'peerbridge' ? startPeerBridge : startBaseline;
const server = await start(databaseUrl, poolSize);
parentPort!.on('message', (message) => {
  if (message === 'stop') {
    void server.close().then(() => parentPort!.postMessage({ stopped: true }));
  }
});
parentPort!.postMessage({ port: server.port });
