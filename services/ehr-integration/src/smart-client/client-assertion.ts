import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { EhrConnection } from '@peerbridge/shared';

/** How far ahead an assertion expires: SMART Backend Services allows at most five minutes. */
export const ASSERTION_LIFETIME_SECONDS = 240;

/**
 * The `private_key_jwt` client assertion SMART Backend Services asks for: `iss` and `sub` the
 * client id, `aud` the token endpoint, a fresh `jti` (the server refuses a replay), `exp` under
 * five minutes ahead, signed with the connection's RS384 or ES384 key, its `kid` in the header so
 * the EHR finds the key in the JWKS PeerBridge registered.
 */
export async function signClientAssertion(
  connection: Pick<EhrConnection, 'clientId' | 'signingKey'>,
  tokenEndpoint: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<string> {
  const { signingKey } = connection;
  return new SignJWT({})
    .setProtectedHeader({ alg: signingKey.alg, kid: signingKey.kid, typ: 'JWT' })
    .setIssuer(connection.clientId)
    .setSubject(connection.clientId)
    .setAudience(tokenEndpoint)
    .setJti(randomUUID())
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + ASSERTION_LIFETIME_SECONDS)
    .sign(signingKey.privateKey);
}
