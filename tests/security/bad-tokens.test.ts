import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exportSPKI, importJWK, SignJWT, UnsecuredJWT, type CryptoKey } from 'jose';
import request from 'supertest';
import { referralService } from '@peerbridge/referral';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { sharedTestIssuer, TestIssuer } from '../support/test-issuer.js';
import { signToken, TEST_AUDIENCE } from '../support/tokens.js';
import { expectForbidden, expectUnauthorized } from './expectations.js';

// The bad-token catalogue: every forged, expired, misdirected or over-reaching token
// is refused, each with the answer RFC 6750 prescribes. A good token is tried alongside, so a
// refusal cannot come from a broken setup.

let t: TestApp;
let issuer: TestIssuer;
let attacker: TestIssuer;
const SEARCH = '/fhir/ServiceRequest?_count=1';

beforeAll(async () => {
  t = await startTestApp([referralService]);
  issuer = await sharedTestIssuer();
  attacker = await TestIssuer.start();
});
afterAll(async () => {
  await attacker.close();
  await t.close();
});

const get = (authorization?: string) => {
  const req = request(t.app).get(SEARCH);
  return authorization === undefined ? req : req.set('Authorization', authorization);
};
const now = () => Math.floor(Date.now() / 1000);
const [header, payload, signature] = [0, 1, 2];
const part = (token: string, index: number) => token.split('.')[index]!;

describe('good tokens (controls)', () => {
  it('when a valid RS256 access token is sent, then the search answers 200', async () => {
    const res = await get(`Bearer ${await signToken()}`);
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('Bundle');
  });

  it('when a valid ES384 access token is sent, then the search answers 200', async () => {
    expect((await get(`Bearer ${await signToken({ alg: 'ES384' })}`)).status).toBe(200);
  });

  it('when the scheme is written in lower case ("bearer"), then the token is still accepted', async () => {
    expect((await get(`bearer ${await signToken()}`)).status).toBe(200);
  });

  it('when a token expired 30 s ago (inside the 60 s clock skew), then it is accepted', async () => {
    expect((await get(`Bearer ${await signToken({ expiresIn: -30 })}`)).status).toBe(200);
  });

  it('when an active opaque token is sent, then it is introspected once and the answer cached', async () => {
    const token = await issuer.issueOpaque({ scope: 'system/*.rs' });
    const before = issuer.introspectionRequests;
    expect((await get(`Bearer ${token}`)).status).toBe(200);
    expect((await get(`Bearer ${token}`)).status).toBe(200);
    expect(issuer.introspectionRequests - before).toBe(1);
  });
  it("when a cached introspection answer reaches the token's exp, then the token is introspected again", async () => {
    const token = await issuer.issueOpaque({ scope: 'system/*.rs', expiresIn: 2 });
    const before = issuer.introspectionRequests;
    expect((await get(`Bearer ${token}`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await get(`Bearer ${token}`);
    expect(issuer.introspectionRequests - before).toBe(2);
  });
});

describe('bad-token catalogue', () => {
  it('when no Authorization header is sent, then 401 with a bare Bearer challenge', async () => {
    expectUnauthorized(await get());
  });

  it('when a non-Bearer scheme is sent, then 401 with a bare Bearer challenge', async () => {
    expectUnauthorized(await get(`Basic ${Buffer.from('user:password').toString('base64')}`));
  });

  it('when the token is neither a JWT nor an active opaque token, then 401 invalid_token', async () => {
    expectUnauthorized(await get('Bearer this-is-not-a-token'), 'invalid_token', 'not active');
  });

  it('when the token says alg "none", then 401 invalid_token', async () => {
    const token = new UnsecuredJWT({ iss: issuer.url, aud: TEST_AUDIENCE, scope: 'system/*.*' })
      .setExpirationTime('5m')
      .encode();
    expectUnauthorized(await get(`Bearer ${token}`), 'invalid_token', 'algorithm');
  });

  it("when the token is HS256-signed with the issuer's public RSA key as the secret, then 401 invalid_token", async () => {
    const good = await signToken();
    const { kid } = JSON.parse(Buffer.from(part(good, header), 'base64url').toString());
    const publicKey = await importJWK(issuer.publicJwk(kid), 'RS256');
    const secret = new TextEncoder().encode(await exportSPKI(publicKey as CryptoKey));
    const forged = await new SignJWT(JSON.parse(Buffer.from(part(good, payload), 'base64url').toString()))
      .setProtectedHeader({ alg: 'HS256', kid, typ: 'at+jwt' })
      .sign(secret);
    expectUnauthorized(await get(`Bearer ${forged}`), 'invalid_token', 'algorithm');
  });

  it('when the payload is altered after signing, then 401 invalid_token', async () => {
    const good = await signToken({ scope: 'system/ServiceRequest.r' });
    const claims = JSON.parse(Buffer.from(part(good, payload), 'base64url').toString());
    const altered = Buffer.from(JSON.stringify({ ...claims, scope: 'system/*.*' })).toString('base64url');
    expectUnauthorized(
      await get(`Bearer ${part(good, header)}.${altered}.${part(good, signature)}`),
      'invalid_token',
      'signature is invalid',
    );
  });

  it('when the signature is altered, then 401 invalid_token', async () => {
    const good = await signToken();
    const bytes = Buffer.from(part(good, signature), 'base64url');
    bytes[0] = bytes[0]! ^ 0xff;
    expectUnauthorized(
      await get(`Bearer ${part(good, header)}.${part(good, payload)}.${bytes.toString('base64url')}`),
      'invalid_token',
      'signature is invalid',
    );
  });

  it("when the kid is absent from the issuer's JWKS even after a refresh, then 401 invalid_token", async () => {
    const kid = await issuer.addKey('RS256', { published: false });
    const before = issuer.jwksRequests;
    expectUnauthorized(await get(`Bearer ${await signToken({ kid })}`), 'invalid_token', 'does not publish');
    // At most one refetch: an unknown kid may refresh the key set, never flood the issuer.
    expect(issuer.jwksRequests - before).toBeLessThanOrEqual(1);
  });

  it("when a jku header points at an attacker's key set, then 401 and the attacker's URL is never fetched", async () => {
    const kid = await attacker.addKey('RS256');
    const token = await attacker.sign(claimsFor(issuer), {
      kid,
      header: { kid: await trustedKid(), jku: `${attacker.url}/jwks` },
    });
    expectUnauthorized(await get(`Bearer ${token}`), 'invalid_token', 'signature is invalid');
    expect(attacker.jwksRequests).toBe(0);
  });

  it("when an x5u header points at an attacker's certificate, then 401 and the attacker's URL is never fetched", async () => {
    const kid = await attacker.addKey('RS256');
    const token = await attacker.sign(claimsFor(issuer), {
      kid,
      header: { kid: await trustedKid(), x5u: `${attacker.url}/jwks` },
    });
    expectUnauthorized(await get(`Bearer ${token}`), 'invalid_token', 'signature is invalid');
    expect(attacker.jwksRequests).toBe(0);
  });

  it("when an embedded jwk header carries the attacker's own key, then 401 invalid_token", async () => {
    const kid = await attacker.addKey('RS256');
    const token = await attacker.sign(claimsFor(issuer), {
      kid,
      header: { kid: await trustedKid(), jwk: attacker.publicJwk(kid) },
    });
    expectUnauthorized(await get(`Bearer ${token}`), 'invalid_token', 'signature is invalid');
  });

  it('when the issuer is not trusted, then 401 and the untrusted issuer is never contacted', async () => {
    const token = await attacker.sign(claimsFor(attacker));
    expectUnauthorized(await get(`Bearer ${token}`), 'invalid_token', 'untrusted issuer');
    expect(attacker.jwksRequests).toBe(0);
  });

  it('when the audience is another server, then 401 invalid_token', async () => {
    const token = await signToken({ audience: 'https://other-server.example/fhir' });
    expectUnauthorized(await get(`Bearer ${token}`), 'invalid_token', 'not meant for this server');
  });

  it('when exp is missing, then 401 invalid_token', async () => {
    const token = await signToken({ claims: { exp: undefined } });
    expectUnauthorized(await get(`Bearer ${token}`), 'invalid_token', 'no expiry');
  });

  it('when exp is past (beyond the clock skew), then 401 invalid_token', async () => {
    expectUnauthorized(
      await get(`Bearer ${await signToken({ expiresIn: -120 })}`),
      'invalid_token',
      'expired',
    );
  });

  it('when nbf is in the future (beyond the clock skew), then 401 invalid_token', async () => {
    const token = await signToken({ claims: { nbf: now() + 300 } });
    expectUnauthorized(await get(`Bearer ${token}`), 'invalid_token', 'not valid yet');
  });

  it('when an ID token (typ JWT) is presented by an issuer that types access tokens at+jwt, then 401', async () => {
    const token = await signToken({
      header: { typ: 'JWT' },
      claims: { nonce: 'n-0S6_WzA2Mj', at_hash: 'x' },
    });
    expectUnauthorized(await get(`Bearer ${token}`), 'invalid_token', 'at+jwt');
  });

  it('when introspection says active: false, then 401 invalid_token', async () => {
    const token = await issuer.issueOpaque({ scope: 'system/*.*' });
    await issuer.revoke(token);
    expectUnauthorized(await get(`Bearer ${token}`), 'invalid_token', 'not active');
  });

  it("when an opaque token's introspection names another audience, then 401 invalid_token", async () => {
    const token = await issuer.issueOpaque({ scope: 'system/*.*', audience: 'https://elsewhere.example' });
    expectUnauthorized(await get(`Bearer ${token}`), 'invalid_token');
  });

  it('when a patient/ scope comes without a patient claim, then 401 invalid_token', async () => {
    const token = await signToken({ scope: 'patient/ServiceRequest.rs' });
    expectUnauthorized(await get(`Bearer ${token}`), 'invalid_token', 'patient launch context');
  });

  it('when the scope does not cover the interaction, then 403 insufficient_scope', async () => {
    const token = await signToken({ scope: 'system/Task.rs' });
    expectForbidden(await get(`Bearer ${token}`));
  });
});

/** The kid of a key the trusted issuer really publishes. */
async function trustedKid(): Promise<string> {
  const good = await signToken();
  return JSON.parse(Buffer.from(part(good, header), 'base64url').toString()).kid;
}

function claimsFor(owner: TestIssuer) {
  return {
    iss: owner.url,
    aud: TEST_AUDIENCE,
    sub: 'attacker',
    scope: 'system/*.*',
    exp: now() + 300,
  };
}
