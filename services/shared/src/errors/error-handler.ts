import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logging/logger.js';
import { SEARCH_LIMITS } from '../fhir/search/search-request.js';
import { databaseUnavailable } from './database-errors.js';
import {
  badRequest,
  notFound,
  OperationOutcomeError,
  outcome,
  payloadTooLarge,
  unsupportedMediaType,
} from './operation-outcome-error.js';

/** Any route nobody answered: a 404 OperationOutcome, never Express's HTML page. */
export const unknownRoute: RequestHandler = (req) => {
  throw notFound(`No route for ${req.method} ${req.path}`);
};

/**
 * The one place errors become responses. OperationOutcomeErrors are sent as they are; body
 * parser failures are mapped to 400/413; anything else is logged in full on the server and
 * answered with a generic 500 that reveals nothing of the internals.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (typeOf(error) === 'request.aborted') {
      // The client went away mid-body: nobody is left to answer, and nothing went wrong here.
      logger.info('request aborted by the client');
      res.status(400).end();
      return;
    }
    const unavailable = databaseUnavailable(error);
    if (unavailable) {
      logger.warn('database unavailable', { error: { name: describeName(error), code: codeOf(error) } });
    }
    const known = unavailable ?? toOperationOutcomeError(error);
    if (!known) {
      logger.error('unhandled error', { error: describe(error) });
    }
    const response =
      known ?? new OperationOutcomeError(500, outcome('error', 'exception', 'Internal server error'));
    for (const [name, value] of Object.entries(response.headers)) {
      res.setHeader(name, value);
    }
    res.status(response.status).type('application/fhir+json').send(JSON.stringify(response.outcome));
  };
}

function typeOf(error: unknown): unknown {
  return (error as { type?: unknown } | null)?.type;
}

function toOperationOutcomeError(error: unknown): OperationOutcomeError | undefined {
  if (error instanceof OperationOutcomeError) {
    return error;
  }
  const type = typeOf(error);
  // The router decodes path parameters and throws a bare URIError on bad percent-encoding.
  if ((error as { name?: unknown } | null)?.name === 'URIError') {
    return badRequest('The URL holds text that is not valid percent-encoding');
  }
  if (type === 'entity.parse.failed') {
    return badRequest('The body is not valid JSON');
  }
  if (type === 'parameters.too.many') {
    return badRequest(`A search may have at most ${SEARCH_LIMITS.parameters} parameters`);
  }
  if (type === 'entity.too.large') {
    return payloadTooLarge('The body is larger than this server accepts');
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return unsupportedMediaType('Unsupported body encoding or charset');
  }
  // Other client errors Express and its parsers raise (a path segment that is not valid
  // percent-encoding, a body that does not inflate as its Content-Encoding says) carry their
  // 4xx status and are marked safe to expose; their message is not sent, only what kind it is.
  const { status, expose } = error as { status?: unknown; expose?: unknown };
  if (expose === true && typeof status === 'number' && status >= 400 && status < 500) {
    return new OperationOutcomeError(
      status,
      outcome('error', 'invalid', `The request could not be read (HTTP ${status})`),
    );
  }
  return undefined;
}

function describeName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Name, message and stack only: never request data, which may hold PHI. */
function describe(error: unknown): Record<string, unknown> {
  return error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : { value: typeof error };
}
