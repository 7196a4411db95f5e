import { OperationOutcomeError, outcome } from './operation-outcome-error.js';

/** Seconds a client is asked to wait before retrying when the database is unavailable. */
const RETRY_AFTER_SECONDS = '5';

// SQLSTATEs: 57014 query_canceled (statement_timeout), 57P01-57P03 shutdown or not yet accepting
// connections, class 08 connection exceptions, 53300 too_many_connections.
const UNAVAILABLE_STATES = /^(57P0[123]|08...|53300)$/;
// What node-postgres and the socket layer throw when no connection can be had.
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'connection terminated',
  'Client has encountered a connection error',
];
const UNAVAILABLE_SYSTEM_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

/**
 * A database failure that is not the request's fault, as the 503 (with Retry-After) it should
 * answer; undefined for anything else. A query stopped by statement_timeout is a 503 as well:
 * the search limits keep a valid request well inside it, so running out means the database is
 * overloaded, and retrying later is the right advice.
 */
export function databaseUnavailable(error: unknown): OperationOutcomeError | undefined {
  // Not `instanceof Error`: errors from node's own modules may come from another realm.
  if (typeof error !== 'object' || error === null) {
    return undefined;
  }
  const { code, message } = error as { code?: unknown; message?: unknown };
  const timedOut = code === '57014';
  const unavailable =
    timedOut ||
    (typeof code === 'string' && (UNAVAILABLE_STATES.test(code) || UNAVAILABLE_SYSTEM_CODES.has(code))) ||
    (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((text) => message.includes(text)));
  if (!unavailable) {
    return undefined;
  }
  const text = timedOut
    ? 'The database did not answer in time; try again later'
    : 'The database is unavailable; try again later';
  return new OperationOutcomeError(503, outcome('error', timedOut ? 'timeout' : 'transient', text), {
    'Retry-After': RETRY_AFTER_SECONDS,
  });
}
