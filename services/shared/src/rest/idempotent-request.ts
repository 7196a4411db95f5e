import type { Request, Response } from 'express';
import { requireAuth } from '../auth/require-permission.js';
import { unprocessable } from '../errors/operation-outcome-error.js';
import { requestHash } from './request-hash.js';

/** A request sent with an Idempotency-Key: whose key it is, the key, and its body's hash. */
export interface IdempotentRequest {
  readonly clientId: string;
  readonly key: string;
  readonly requestHash: string;
}

/**
 * The request's Idempotency-Key, scoped to the client the access token names, so that one
 * client's key never answers another's request; undefined when the request has none. A token
 * that names no client cannot use a key (422), since its key could not be told from others'.
 */
export function idempotentRequestOf(req: Request, res: Response): IdempotentRequest | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) {
    return undefined;
  }
  const { clientId } = requireAuth(res);
  if (!clientId) {
    throw unprocessable(
      'An Idempotency-Key needs an access token that names its client (client_id)',
      'Idempotency-Key',
    );
  }
  return { clientId, key, requestHash: requestHash(req.body) };
}
