import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { runWithRequestId, type Logger } from './logger.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Assigns a request id (keeping a well-formed incoming X-Request-Id), echoes it back, and writes
 * one access line when the response finishes. The line names the matched route pattern, not the
 * raw URL, so ids and search values (which can be PHI) never reach the log.
 */
export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const started = process.hrtime.bigint();
    res.setHeader('X-Request-Id', requestId);
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info('request', {
        requestId,
        method: req.method,
        route: routeOf(req),
        status: res.statusCode,
        durationMs: Math.round(durationMs * 100) / 100,
      });
    });
    runWithRequestId(requestId, next);
  };
}

function routeOf(req: Parameters<RequestHandler>[0]): string {
  const label = req.res?.locals.routeLabel;
  if (typeof label === 'string') {
    return label;
  }
  const route = req.route as { path?: unknown } | undefined;
  return typeof route?.path === 'string' ? `${req.baseUrl}${route.path}` : 'unmatched';
}
