import { createAuthContext, type AuthContext } from '../auth/auth-context.js';

/** The issuer named in a system principal; no token is ever issued or accepted under it. */
export const SYSTEM_ISSUER = 'urn:peerbridge:system';

/**
 * The caller a background worker acts as: PeerBridge itself, with `system/*.cruds` over the
 * service's own resources, named after the worker so that what it writes is attributed to it.
 * It is built in code, never from a token, so no request can present it.
 */
export function systemPrincipal(worker: string): AuthContext {
  return createAuthContext({ iss: SYSTEM_ISSUER, sub: `system:${worker}`, scope: 'system/*.cruds' });
}
