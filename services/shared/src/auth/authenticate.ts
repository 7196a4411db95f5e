import type { RequestHandler } from 'express';
import type { Logger } from '../logging/logger.js';
import { badRequest } from '../errors/operation-outcome-error.js';
import { invalidToken, issuerUnavailable, missingToken } from './auth-errors.js';
import { IssuerUnavailableError } from './issuer-metadata.js';
import { TokenRejectedError } from './jwt-access-token.js';
import type { TokenVerifier } from './token-verifier.js';

/**
 * Routes anyone may call. Everything else needs a bearer token: protection is the default, so a
 * route added later is never open by accident. Express matches routes case-insensitively, so the
 * comparison here is case-insensitive too.
 */
const OPEN_ROUTES = [
  /^\/healthz\/?$/,
  /^\/readyz\/?$/,
  /^\/\.well-known\//,
  /^\/fhir\/metadata\/?$/,
  /^\/fhir\/\.well-known\//,
  /^\/api\/[a-z0-9-]+\/openapi\.json$/,
  /^\/api\/[a-z0-9-]+\/docs(?:\/.*)?$/,
];

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

export function isOpenRoute(path: string): boolean {
  const lower = path.toLowerCase();
  return OPEN_ROUTES.some((route) => route.test(lower));
}

/**
 * Authenticates every protected request (RFC 6750): no token or another scheme → 401 with a bare
 * Bearer challenge; a token that fails verification → 401 invalid_token. On success the
 * AuthContext is in `res.locals.auth`. Failures are logged with a reason, never with the token.
 */
export function authenticate(verifier: TokenVerifier, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    if (isOpenRoute(req.path)) {
      return next();
    }
    // Node keeps only the first of repeated Authorization headers; which one is meant is not
    // ours to guess (RFC 6750 allows one way of sending a token per request).
    if (authorizationHeaderCount(req.rawHeaders) > 1) {
      logger.info('access denied', { reason: 'several_authorization_headers' });
      throw badRequest('Send one Authorization header, not several', 'Authorization');
    }
    const header = req.get('authorization');
    const match = header === undefined ? null : BEARER.exec(header);
    if (!match) {
      logger.info('access denied', { reason: header === undefined ? 'no_token' : 'not_bearer' });
      throw missingToken('This request needs a bearer access token (Authorization: Bearer …)');
    }
    try {
      res.locals.auth = await verifier.verify(match[1]!);
    } catch (error) {
      if (error instanceof TokenRejectedError) {
        logger.info('access denied', { reason: error.reason });
        throw invalidToken(error.description);
      }
      if (error instanceof IssuerUnavailableError) {
        logger.warn('authorization server unavailable', { error: error.message });
        throw issuerUnavailable();
      }
      throw error;
    }
    next();
  };
}

function authorizationHeaderCount(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === 'authorization') count++;
  }
  return count;
}
