import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { signingKeyOf, type EhrClientAlgorithm } from '@peerbridge/shared';
import { signClientAssertion } from './client-assertion.js';

const KEYS = {
  RS384: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
  ES384: generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey,
};
const TOKEN_URL = 'https://ehr.example/auth/token';

describe('the client assertion', () => {
  it.each(['RS384', 'ES384'] as EhrClientAlgorithm[])(
    'when signed with %s, then it verifies with the public JWK and carries the SMART claims',
    async (alg) => {
      const signingKey = signingKeyOf(KEYS[alg], alg, 'key-1');
      const now = Math.floor(Date.now() / 1000);
      const assertion = await signClientAssertion({ clientId: 'peerbridge', signingKey }, TOKEN_URL, now);
      expect(decodeProtectedHeader(assertion)).toEqual({ alg, kid: 'key-1', typ: 'JWT' });
      const { payload } = await jwtVerify(assertion, createLocalJWKSet({ keys: [signingKey.publicJwk] }), {
        issuer: 'peerbridge',
        subject: 'peerbridge',
        audience: TOKEN_URL,
        algorithms: [alg],
      });
      expect(payload.iat).toBe(now);
      expect(payload.exp).toBe(now + 240);
      expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it('when two assertions are signed, then their jti differ', async () => {
    const connection = { clientId: 'peerbridge', signingKey: signingKeyOf(KEYS.ES384, 'ES384') };
    const [a, b] = await Promise.all([
      signClientAssertion(connection, TOKEN_URL),
      signClientAssertion(connection, TOKEN_URL),
    ]);
    const jti = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()).jti;
    expect(jti(a)).not.toBe(jti(b));
  });
});
