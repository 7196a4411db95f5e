import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseConfig, TokenVerifier } from '@peerbridge/shared';
import { TestIssuer } from '../support/test-issuer.js';
import { TEST_AUDIENCE } from '../support/tokens.js';

// Some EHRs issue JWT access tokens typed plain "JWT". Listing such an issuer in
// SMART_UNTYPED_TOKEN_ISSUERS accepts them, but still refuses what is evidently an ID token.

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await TestIssuer.start();
});
afterAll(() => issuer.close());

function verifier(untyped: boolean): TokenVerifier {
  const env = {
    PUBLIC_BASE_URL: 'http://peerbridge.test',
    SMART_ISSUERS: issuer.url,
    ...(untyped ? { SMART_UNTYPED_TOKEN_ISSUERS: issuer.url } : {}),
  };
  return new TokenVerifier(parseConfig(env, { port: 0 }).smart);
}

function jwtTyped(extra: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return issuer.sign(
    { iss: issuer.url, aud: TEST_AUDIENCE, sub: 'legacy', scope: 'user/*.rs', exp: now + 300, ...extra },
    { header: { typ: 'JWT' } },
  );
}

describe('issuers whose access tokens are not typed at+jwt', () => {
  it('when the issuer is listed as untyped, then its typ JWT access token is accepted', async () => {
    const context = await verifier(true).verify(await jwtTyped());
    expect(context.can('ServiceRequest', 'r')).toBe(true);
  });

  it('when the issuer is not listed as untyped, then the same token is refused', async () => {
    await expect(verifier(false).verify(await jwtTyped())).rejects.toThrow('at+jwt');
  });

  it('when an untyped issuer presents a token carrying a nonce (an ID token), then it is refused', async () => {
    await expect(verifier(true).verify(await jwtTyped({ nonce: 'abc' }))).rejects.toThrow('ID token');
  });
});
