import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { JWK } from 'oidc-provider';

/**
 * A fresh RS256 key for signing access and ID tokens, made at start-up and kept only in memory:
 * the sandbox's tokens and grants are in memory too, so nothing outlives a restart anyway.
 */
export function generateSigningKey(): JWK {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' } as JWK;
}

/** Keys oidc-provider signs its cookies with; per process, like the signing key. */
export function generateCookieKeys(): string[] {
  return [randomBytes(32).toString('base64url')];
}
