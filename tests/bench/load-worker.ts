import { parentPort } from 'node:worker_threads';
import autocannon from 'autocannon';
import { sendAtFixedRate, type FixedRateRawResult, type OneRequest } from './fixed-rate.js';
import { headers, methodOf, type LoadJob, type RawResult } from './load.js';
import { serviceRequestBody } from './service-request-body.js';

/**
 * The load generator's own thread. It imports the load tools (autocannon, undici) and the request
 * body and nothing else, so its heap stays small and its garbage collections short: a pause here
 * holds back every request in flight and is counted as the server's latency. (On the bench's main
 * thread, whose heap also holds the FHIR definitions the gateway loads, V8 ran a full collection
 * every few seconds under load, each pausing it for 7–20 ms plus marking steps of up to 17 ms.)
 */
parentPort!.on('message', (job: LoadJob) => {
  void run(job).then(
    (result) => parentPort!.postMessage({ result }),
    (error: unknown) => parentPort!.postMessage({ error: String(error) }),
  );
});

const REQUEST_HEADERS = { accept: 'application/fhir+json', 'content-type': 'application/fhir+json' };

async function run(job: LoadJob): Promise<RawResult | FixedRateRawResult> {
  const next = nextRequest(job);
  const requestHeaders = {
    ...headers(job.token),
    ...REQUEST_HEADERS,
    ...(job.requests.kind === 'post' ? { 'content-type': job.requests.contentType } : {}),
  };
  if (job.pace.kind === 'closed-loop') {
    return runClosedLoop(job, job.pace.connections, requestHeaders, next);
  }
  return sendAtFixedRate({
    baseUrl: job.baseUrl,
    method: methodOf(job.requests),
    headers: requestHeaders,
    requestsPerSecond: job.pace.requestsPerSecond,
    seconds: job.seconds,
    next,
  });
}

async function runClosedLoop(
  job: LoadJob,
  connections: number,
  requestHeaders: Record<string, string>,
  next: () => OneRequest,
): Promise<RawResult> {
  return (await autocannon({
    url: job.baseUrl,
    connections,
    // Keeps the encoded histograms in the result, so that rounds can be merged (combine).
    skipAggregateResult: true,
    duration: job.seconds,
    requests: [
      {
        method: methodOf(job.requests),
        setupRequest: (request) => {
          const { path, body } = next();
          return { ...request, path, headers: requestHeaders, ...(body === undefined ? {} : { body }) };
        },
      },
    ],
  })) as unknown as RawResult;
}

/** A new ServiceRequest for each create; the same body for each post; the given paths in turn for reads. */
function nextRequest(job: LoadJob): () => OneRequest {
  if (job.requests.kind === 'create') {
    const { path } = job.requests;
    return () => ({ path, body: serviceRequestBody() });
  }
  if (job.requests.kind === 'post') {
    const { path, body } = job.requests;
    return () => ({ path, body });
  }
  const { paths } = job.requests;
  let n = 0;
  return () => ({ path: paths[n++ % paths.length]! });
}
