import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { startBaseline } from './baseline-server.js';
import { ALL_SERVICES } from '@peerbridge/gateway';
import { startPeerBridge } from './peerbridge-server.js';
import { plainQuestionnaireResponses } from './plain-questionnaire-responses.js';

/**
 * Runs one bench server on its own thread, so the server and the load generator (autocannon, on
 * the main thread) do not share an event loop: each gets a core of its own, as they would as
 * separate processes, while the system is still hosted in this process by its own factories.
 */
export type ServerWorkerData =
  | {
      readonly kind: 'peerbridge';
      readonly databaseUrl: string;
      readonly poolSize: number;
      /** The token issuer PeerBridge trusts. */
      readonly issuerUrl: string;
      /** 'plain-questionnaire-responses': the outcome bench's baseline instead of the system. */
      readonly services?: 'all' | 'plain-questionnaire-responses';
    }
  // The baseline has no authorization.
  | { readonly kind: 'baseline'; readonly databaseUrl: string; readonly poolSize: number };

const data = workerData as ServerWorkerData;
const server =
  data.kind === 'peerbridge'
    ? await startPeerBridge(
        data.databaseUrl,
        data.poolSize,
        data.issuerUrl,
        data.services === 'plain-questionnaire-responses' ? [plainQuestionnaireResponses] : ALL_SERVICES,
      )
    : await startBaseline(data.databaseUrl, data.poolSize);
// The longest the server's event loop was held up since the last ask: a stall inside this thread
// (a garbage collection, synchronous work, the thread not being scheduled) shows here, one in
// PostgreSQL or the network does not.
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
parentPort!.on('message', (message) => {
  if (message === 'longest-stall') {
    parentPort!.postMessage({ longestStallMs: loopDelay.max / 1e6 });
    loopDelay.reset();
  }
  if (message === 'stop') {
    void server.close().then(() => parentPort!.postMessage({ stopped: true }));
  }
});
parentPort!.postMessage({ port: server.port });
