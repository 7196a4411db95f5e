import { beforeEach, describe, expect, it } from '@jest/globals';
import { base64url, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { useLocalIssuer, nowSeconds, type SigningAlgorithm } from '../../../../tests/support/local-issuer.js';
import { TEST_AUDIENCE } from '../../../../tests/support/test-audience.js';
import { IssuerUnavailableError } from './issuer-metadata.js';
import {
  ACCEPTED_ALGORITHMS,
  CLOCK_TOLERANCE_SECONDS,
  TokenRejectedError,
  verifyJwtAccessToken,
} from './jwt-access-token.js';
import { TrustedIssuer } from './trusted-issuer.js';

const issuer = useLocalIssuer(['RS256', 'RS384', 'ES256', 'ES384']);
let trusted: TrustedIssuer;

beforeEach(() => {
  trusted = new TrustedIssuer(issuer.url);
});

const claims = (extra: JWTPayload = {}): JWTPayload => ({
  iss: issuer.url,
  aud: TEST_AUDIENCE,
  exp: nowSeconds() + 300,
  scope: 'user/Task.rs',
  ...extra,
});

function verify(token: string, typed = true) {
  return verifyJwtAccessToken(token, trusted, {
    audiences: ['https://other.example/fhir', TEST_AUDIENCE],
    typed,
  });
}

/** The rejection's reason and description, or 'accepted'. */
async function outcomeOf(token: string, typed = true): Promise<[string, string] | 'accepted'> {
  try {
    await verify(token, typed);
    return 'accepted';
  } catch (error) {
    if (error instanceof TokenRejectedError) {
      return [error.reason, error.description];
    }
    throw error;
  }
}

describe('verifyJwtAccessToken', () => {
  it('when the constants are read, then they are the documented ones', () => {
    expect(ACCEPTED_ALGORITHMS).toEqual(['RS256', 'RS384', 'ES256', 'ES384']);
    expect(CLOCK_TOLERANCE_SECONDS).toBe(60);
  });

  it.each(['RS256', 'RS384', 'ES256', 'ES384'] as SigningAlgorithm[])(
    'when a token is signed with %s by a published key, then its claims come back',
    async (alg) => {
      const exp = nowSeconds() + 300;
      expect(await verify(await issuer.sign(claims({ exp }), { alg }))).toEqual({
        iss: issuer.url,
        aud: TEST_AUDIENCE,
        exp,
        scope: 'user/Task.rs',
      });
    },
  );

  it('when the rejection is described, then the message is the description', () => {
    const error = new TokenRejectedError('expired', 'The access token has expired');
    expect([error.reason, error.description, error.message]).toEqual([
      'expired',
      'The access token has expired',
      'The access token has expired',
    ]);
  });

  it.each([
    ['expired beyond the tolerance', { exp: nowSeconds() - 90 }, ['expired', 'The access token has expired']],
    [
      'for another audience',
      { aud: 'https://elsewhere.example/fhir' },
      ['claim_aud', 'The access token is not meant for this server'],
    ],
    [
      'from another issuer',
      { iss: 'https://elsewhere.example' },
      ['claim_iss', 'The access token was issued by an untrusted issuer'],
    ],
    ['not valid yet', { nbf: nowSeconds() + 300 }, ['claim_nbf', 'The access token is not valid yet']],
    ['without an expiry', { exp: undefined }, ['claim_exp', 'The access token has no expiry']],
    [
      'with an iat that is not a number',
      { iat: 'yesterday' as never },
      ['claim_iat', "The access token's iat claim is not acceptable"],
    ],
  ])('when the token is %s, then it is refused', async (_name, extra, expected) => {
    expect(await outcomeOf(await issuer.sign(claims(extra)))).toEqual(expected);
  });

  it('when the token expired within the clock tolerance, then it is still accepted', async () => {
    expect(await outcomeOf(await issuer.sign(claims({ exp: nowSeconds() - 50 })))).toBe('accepted');
  });

  it('when the token is not typed at+jwt, then it is refused, unless its issuer does not type tokens', async () => {
    const token = await issuer.sign(claims(), { header: { typ: 'JWT' } });
    expect(await outcomeOf(token)).toEqual([
      'claim_typ',
      'The token is not an access token (typ must be at+jwt)',
    ]);
    expect(await outcomeOf(token, false)).toBe('accepted');
  });

  it.each([{ nonce: 'n-1' }, { at_hash: 'h-1' }])(
    'when an untyped issuer sends a token with %p, then it is refused as an ID token',
    async (extra) => {
      const token = await issuer.sign(claims(extra), { header: { typ: 'JWT' } });
      expect(await outcomeOf(token, false)).toEqual(['id_token', 'An ID token is not an access token']);
      expect(await outcomeOf(await issuer.sign(claims(extra)))).toBe('accepted');
    },
  );

  it('when the token is signed with a key the issuer does not publish, then it is refused as an unknown key', async () => {
    const kid = await issuer.addKey('ES256', { published: false });
    expect(await outcomeOf(await issuer.sign(claims(), { kid }))).toEqual([
      'unknown_key',
      'The access token is signed with a key its issuer does not publish',
    ]);
  });

  it('when the token is signed with HS256, then the algorithm is refused before any key is used', async () => {
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
      .sign(new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!'));
    expect(await outcomeOf(token)).toEqual([
      'algorithm',
      'The access token is signed with an algorithm this server does not accept',
    ]);
  });

  it('when the token is signed with PS256, an asymmetric algorithm not on the list, then it is refused', async () => {
    const { privateKey } = await generateKeyPair('PS256');
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'PS256', typ: 'at+jwt' })
      .sign(privateKey);
    expect(await outcomeOf(token)).toEqual([
      'algorithm',
      'The access token is signed with an algorithm this server does not accept',
    ]);
  });

  it('when the payload was changed after signing, then the signature is refused', async () => {
    const [header, , signature] = (await issuer.sign(claims())).split('.');
    const forged = base64url.encode(JSON.stringify({ ...claims(), scope: 'system/*.*' }));
    expect(await outcomeOf(`${header}.${forged}.${signature}`)).toEqual([
      'signature',
      'The access token signature is invalid',
    ]);
  });

  it('when the signed payload is not JSON, then the token is malformed', async () => {
    expect(await outcomeOf(await issuer.signBytes('not json'))).toEqual([
      'err_jwt_invalid',
      'The access token is malformed',
    ]);
  });

  it('when the JWKS cannot be read, then the issuer is unavailable, not the token refused', async () => {
    issuer.answer('/auth/jwks', { status: 500 });
    try {
      const error = await verify(await issuer.sign(claims())).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IssuerUnavailableError);
      expect((error as Error).message).toBe(`JWKS of ${issuer.url} could not be read`);
    } finally {
      issuer.answer('/auth/jwks', { status: 200, body: { keys: [] } });
    }
  });
});
