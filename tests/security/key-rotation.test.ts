import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseConfig, TokenRejectedError, TokenVerifier } from '@peerbridge/shared';
import { TestIssuer } from '../support/test-issuer.js';
import { TEST_AUDIENCE } from '../support/tokens.js';

// The verifier on its own, with a short JWKS cooldown so that refresh and rate limiting can be
// observed within a test: keys are cached, an unknown kid refreshes the set once, and a burst of
// unknown kids does not turn into a burst of requests to the issuer.

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await TestIssuer.start();
});
afterAll(() => issuer.close());

const COOLDOWN_MS = 300;

function verifier(): TokenVerifier {
  const config = parseConfig(
    { PUBLIC_BASE_URL: 'http://peerbridge.test', SMART_ISSUERS: issuer.url },
    { port: 0 },
  );
  return new TokenVerifier(config.smart, {
    jwksCooldownMs: COOLDOWN_MS,
    jwksMaxAgeMs: 60_000,
    fetchTimeoutMs: 2_000,
    retryAfterFailureMs: 100,
  });
}

function token(kid?: string, expiresIn = 300): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return issuer.sign(
    { iss: issuer.url, aud: TEST_AUDIENCE, sub: 'rotation', scope: 'system/*.rs', exp: now + expiresIn },
    kid ? { kid } : {},
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('JWKS caching and refresh', () => {
  it('when many tokens are verified, then the JWKS is fetched once and then served from the cache', async () => {
    const v = verifier();
    const before = issuer.jwksRequests;
    for (let i = 0; i < 5; i += 1) {
      await v.verify(await token());
    }
    expect(issuer.jwksRequests - before).toBe(1);
  });

  it('when the issuer rotates in a new key after the cooldown, then the unknown kid triggers one refresh and is accepted', async () => {
    const v = verifier();
    await v.verify(await token());
    const kid = await issuer.addKey('ES384', { published: false });
    issuer.publish(kid);
    await sleep(COOLDOWN_MS + 50);
    const before = issuer.jwksRequests;
    const context = await v.verify(await token(kid));
    expect(context.subject).toBe('rotation');
    expect(issuer.jwksRequests - before).toBe(1);
  });

  it('when unknown kids arrive in a burst within the cooldown, then they are refused without refetching the JWKS each time', async () => {
    const unknown: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      unknown.push(await token(await issuer.addKey('RS256', { published: false })));
    }
    const v = verifier();
    await v.verify(await token());
    const before = issuer.jwksRequests;
    for (const forged of unknown) {
      await expect(v.verify(forged)).rejects.toBeInstanceOf(TokenRejectedError);
    }
    expect(issuer.jwksRequests - before).toBe(0);
  });

  it('when an unknown kid arrives after the cooldown but is not published, then the JWKS is refetched once and the token refused', async () => {
    const v = verifier();
    await v.verify(await token());
    await sleep(COOLDOWN_MS + 50);
    const before = issuer.jwksRequests;
    const kid = await issuer.addKey('RS256', { published: false });
    await expect(v.verify(await token(kid))).rejects.toThrow('does not publish');
    expect(issuer.jwksRequests - before).toBe(1);
  });
});

describe('reusing a verification', () => {
  it('when the same token is verified again, then the context from its first verification is reused', async () => {
    const v = verifier();
    const jwt = await token();
    const first = await v.verify(jwt);
    expect(await v.verify(jwt)).toBe(first);
    expect(await v.verify(await token(undefined, 301))).not.toBe(first);
  });

  it("when a token's exp has passed, then its earlier verification is not reused", async () => {
    const v = verifier();
    const jwt = await token(undefined, 1);
    const first = await v.verify(jwt);
    const exp = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()).exp as number;
    await sleep(exp * 1000 - Date.now() + 50);
    // Still inside the 60 s clock skew, so the token is accepted, but only by verifying it anew.
    const again = await v.verify(jwt);
    expect(again.subject).toBe('rotation');
    expect(again).not.toBe(first);
  });

  it('when a token is refused and its key is published later, then sending it again is accepted: refusals are not remembered', async () => {
    const v = verifier();
    const kid = await issuer.addKey('RS256', { published: false });
    const early = await token(kid);
    await expect(v.verify(early)).rejects.toBeInstanceOf(TokenRejectedError);
    issuer.publish(kid);
    await sleep(COOLDOWN_MS + 50);
    expect((await v.verify(early)).subject).toBe('rotation');
  });
});
