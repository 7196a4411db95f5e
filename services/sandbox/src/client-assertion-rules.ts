import { errors, type KoaContextWithOIDC } from 'oidc-provider';

/** SMART Backend Services: a client assertion expires no more than five minutes after it is made. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;

/**
 * SMART Backend Services rules oidc-provider leaves to the deployment (it already checks the
 * signature, `iss` = client id, a unique `jti` and an `exp`): `sub` = client id, `aud` = the token
 * endpoint URL (not the issuer, which oidc-provider would also accept), and `exp` at most five
 * minutes ahead.
 */
export function assertSmartClientAssertion(
  ctx: KoaContextWithOIDC,
  claims: Record<string, unknown>,
  _header: Record<string, unknown>,
  client: { clientId: string },
): void {
  if (claims.sub !== client.clientId) {
    throw new errors.InvalidClientAuth('sub (JWT subject) must be the client_id');
  }
  const tokenUrl = ctx.oidc.urlFor('token');
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(tokenUrl)) {
    throw new errors.InvalidClientAuth(`aud (JWT audience) must be the token endpoint URL ${tokenUrl}`);
  }
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp - now > MAX_ASSERTION_LIFETIME_SECONDS) {
    throw new errors.InvalidClientAuth('exp (JWT expiry) must be at most 5 minutes in the future');
  }
}
