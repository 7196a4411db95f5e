import cors from 'cors';
import type { RequestHandler } from 'express';
import type { CorsConfig } from '../config/config.js';

/** What a SMART app sends besides simple headers: its token and FHIR's conditional headers. */
const ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'Accept',
  'If-Match',
  'If-None-Exist',
  'If-None-Match',
  'If-Modified-Since',
  'Prefer',
  'Idempotency-Key',
  'X-Request-Id',
];

/** Response headers a FHIR client reads; browsers hide all but a few simple ones unless listed. */
const EXPOSED_HEADERS = [
  'ETag',
  'Last-Modified',
  'Location',
  'Content-Location',
  'WWW-Authenticate',
  'Allow',
  'Idempotent-Replayed',
  'X-Request-Id',
];

// http://localhost:3000, http://127.0.0.1:5173, http://[::1]:8000: a browser's own machine.
const LOOPBACK_ORIGIN = /^http:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/;

/** Whether a browser page of this origin may call the APIs. */
function isAllowedOrigin(config: CorsConfig, origin: string): boolean {
  return config.origins.includes(origin) || (config.anyLoopbackOrigin && LOOPBACK_ORIGIN.test(origin));
}

/**
 * CORS for /fhir and /api, so a SMART app served from another origin can call them with its
 * bearer token. A preflight from an allowed origin is answered here, before authentication: the
 * browser never sends a token with it. Another origin gets no CORS headers (its browser then
 * withholds the response) and its preflight goes on to authentication like any request. No
 * credentials mode: apps authenticate with bearer tokens, never cookies.
 */
export function crossOrigin(config: CorsConfig): RequestHandler {
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && isAllowedOrigin(config, origin)),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
}

/** Whether any browser origin may call the APIs: the CapabilityStatement's rest.security.cors. */
export function corsEnabled(config: CorsConfig): boolean {
  return config.anyLoopbackOrigin || config.origins.length > 0;
}
