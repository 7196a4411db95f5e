/**
 * What to do with a write the EHR did not take (issue 13, item 6). A failure that may pass (no
 * answer, a timeout, 401, 408, 429, a 5xx, an answer that is not FHIR, a token endpoint that
 * failed or refused) is tried again, never given up: the EHR may be down for a while. Any other
 * 4xx answered with FHIR is the EHR refusing this resource for good: it is not retried and becomes a dead letter
 * with the EHR's OperationOutcome, for a person to look at and replay.
 */
export type WriteBackFailure =
  | { readonly kind: 'retry'; readonly retryAfterMs: number | undefined; readonly failure: string }
  | { readonly kind: 'dead'; readonly failure: string; readonly outcome: unknown };

/** The parts of an EHR client error the decision reads (EhrUnavailableError, EhrFhirError, EhrClientRefusedError). */
export interface EhrFailureFacts {
  readonly name: string;
  readonly status: number | undefined;
  readonly operation: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly retryAt: Date | undefined;
  readonly outcome: unknown;
}

const RETRIED_4XX = new Set([401, 408, 429]);

export function classifyWriteBackFailure(facts: EhrFailureFacts, now = Date.now()): WriteBackFailure {
  const failure = failureClass(facts);
  if (facts.retryAt) {
    return { kind: 'retry', retryAfterMs: Math.max(0, facts.retryAt.getTime() - now), failure };
  }
  const { status } = facts;
  // Only a FHIR answer refuses for good: an HTML error page from a proxy says nothing about the resource.
  const refusedForGood =
    facts.name === 'EhrFhirError' &&
    status !== undefined &&
    status >= 400 &&
    status < 500 &&
    !RETRIED_4XX.has(status);
  if (refusedForGood) {
    return { kind: 'dead', failure, outcome: facts.outcome };
  }
  return {
    kind: 'retry',
    retryAfterMs: facts.retryAfterSeconds === undefined ? undefined : facts.retryAfterSeconds * 1000,
    failure,
  };
}

/**
 * The wait before the next try after `failures` failures in a row: exponential from
 * `baseMs`, capped at `maxMs`, with "equal jitter" (half fixed, half random) so that connections
 * and replicas that failed together do not all come back at once. Retry-After, when the EHR
 * sent it, wins if longer.
 */
export function retryDelayMs(
  failures: number,
  options: { baseMs: number; maxMs: number; retryAfterMs?: number | undefined },
  random: () => number = Math.random,
): number {
  const exponential = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, failures - 1));
  const jittered = exponential / 2 + random() * (exponential / 2);
  return Math.max(jittered, options.retryAfterMs ?? 0);
}

/** A failure as the admin API and the logs show it: the operation and the status, never a body. */
function failureClass(facts: EhrFailureFacts): string {
  if (facts.name === 'EhrClientRefusedError') {
    return 'token: the token endpoint refused the client';
  }
  const at = facts.operation ?? 'request';
  return facts.status === undefined ? `${at}: no answer` : `${at}: HTTP ${facts.status}`;
}
