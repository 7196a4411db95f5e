import type { RequestHandler } from 'express';
import type { EhrConnection } from '../config/ehr-connections.js';

/** Where PeerBridge publishes the public keys of its EHR connections (docs: README, EHR connections). */
export const EHR_CLIENT_JWKS_PATH = '/.well-known/jwks.json';

/**
 * PeerBridge's JWKS as a SMART Backend Services client: the public half of each EHR connection's
 * signing key (kid, alg, use), once per kid, for EHRs that register a JWKS URL rather than the
 * keys themselves. Never a private member: publicJwk holds none.
 */
export function ehrClientJwks(connections: readonly EhrConnection[]): RequestHandler {
  const keys = [
    ...new Map(
      connections.map((connection) => [connection.signingKey.kid, connection.signingKey.publicJwk]),
    ).values(),
  ];
  const body = JSON.stringify({ keys });
  return (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').type('application/jwk-set+json').send(body);
  };
}
