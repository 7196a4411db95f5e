/**
 * Why a call to an EHR failed, in terms a caller can act on. Messages carry a status, an OAuth
 * error code or an HTTP reason, never a token, an assertion or a response body that may hold PHI.
 */
export class EhrUnavailableError extends Error {
  constructor(
    /** What was being called: 'token', 'smart-configuration' or a FHIR interaction. */
    readonly operation: string,
    /** The HTTP status, or undefined when there was no answer (timeout, refused connection). */
    readonly status: number | undefined,
    reason: string,
    /** Seconds the EHR asked to wait (Retry-After), when it said. */
    readonly retryAfterSeconds?: number,
  ) {
    super(`${operation}: ${status === undefined ? 'no answer' : `HTTP ${status}`} (${reason})`);
    this.name = 'EhrUnavailableError';
  }

  static from(error: unknown, operation: string): EhrUnavailableError {
    // Duck-typed: fetch's DOMException may come from another realm. PeerBridge aborts a request
    // only when its timeout fires, so an abort is a timeout too.
    const name = (error as { name?: unknown } | undefined)?.name;
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    return new EhrUnavailableError(operation, undefined, timedOut ? 'timed out' : 'unreachable');
  }
}

/**
 * The token endpoint refused this client (`invalid_client`, `unauthorized_client`, …): trying
 * again at once would be refused the same way, so the connection backs off until `retryAt`.
 */
export class EhrClientRefusedError extends Error {
  constructor(
    readonly connectionId: string,
    readonly oauthError: string,
    readonly retryAt: Date,
  ) {
    super(
      `EHR connection ${connectionId}: the token endpoint refused the client (${oauthError}); next attempt at ${retryAt.toISOString()}`,
    );
    this.name = 'EhrClientRefusedError';
  }
}

/** A JSON body, or an EhrUnavailableError: an HTML error page or truncated JSON is a failure, never a success. */
export async function readJsonResponse(response: Response, operation: string): Promise<unknown> {
  const text = await response.text().catch(() => undefined);
  let body: unknown;
  try {
    body = text === undefined ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    return Promise.reject(
      new EhrUnavailableError(
        operation,
        response.status,
        oauthError(body) ?? response.statusText,
        retryAfter(response.headers),
      ),
    );
  }
  if (body === undefined || typeof body !== 'object' || body === null) {
    throw new EhrUnavailableError(operation, response.status, 'the answer is not JSON');
  }
  return body;
}

export function oauthError(body: unknown): string | undefined {
  const error = (body as { error?: unknown } | undefined)?.error;
  return typeof error === 'string' ? error : undefined;
}

/** Retry-After in seconds (RFC 9110: delay-seconds or an HTTP date). */
export function retryAfter(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (value === null) {
    return undefined;
  }
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) {
    return seconds;
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
