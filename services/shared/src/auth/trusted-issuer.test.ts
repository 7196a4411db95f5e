import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { useLocalIssuer, nowSeconds } from '../../../../tests/support/local-issuer.js';
import { IssuerUnavailableError } from './issuer-metadata.js';
import { TEST_AUDIENCE } from '../../../../tests/support/test-audience.js';
import { verifyJwtAccessToken } from './jwt-access-token.js';
import { DEFAULT_ISSUER_OPTIONS, TrustedIssuer } from './trusted-issuer.js';

const OPENID = '/auth/.well-known/openid-configuration';
const SMART = '/auth/.well-known/smart-configuration';

const issuer = useLocalIssuer();

afterEach(() => {
  jest.restoreAllMocks();
});

const token = (kid?: string) =>
  issuer.sign({ iss: issuer.url, aud: TEST_AUDIENCE, exp: nowSeconds() + 300 }, kid ? { kid } : {});
const verify = async (trusted: TrustedIssuer, kid?: string) =>
  verifyJwtAccessToken(await token(kid), trusted, { audiences: [TEST_AUDIENCE], typed: true });

describe('TrustedIssuer', () => {
  it('when the defaults are read, then they are the documented ones', () => {
    expect(DEFAULT_ISSUER_OPTIONS).toEqual({
      jwksCooldownMs: 30_000,
      jwksMaxAgeMs: 600_000,
      fetchTimeoutMs: 5_000,
      retryAfterFailureMs: 1_000,
    });
  });

  it('when its metadata is asked for twice, then the issuer is asked once', async () => {
    const trusted = new TrustedIssuer(issuer.url);
    const first = await trusted.metadata();
    expect(await trusted.metadata()).toBe(first);
    expect(first.jwks_uri).toBe(`${issuer.url}/jwks`);
    expect(issuer.paths()).toEqual([OPENID]);
  });

  it('when discovery failed moments ago, then the next request fails at once and a later one asks again', async () => {
    let now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    issuer.answer(OPENID, { status: 503 });
    issuer.answer(SMART, { status: 503 });
    const trusted = new TrustedIssuer(issuer.url, { ...DEFAULT_ISSUER_OPTIONS, retryAfterFailureMs: 1000 });
    await expect(trusted.metadata()).rejects.toThrow(IssuerUnavailableError);
    expect(issuer.requests).toHaveLength(2);

    issuer.answer(OPENID, () => ({ status: 200, body: issuer.metadata() }));
    now += 999;
    await expect(trusted.metadata()).rejects.toThrow(`Discovery for ${issuer.url} failed moments ago`);
    expect(issuer.requests).toHaveLength(2);

    now += 1;
    expect((await trusted.metadata()).issuer).toBe(issuer.url);
    expect(issuer.requests).toHaveLength(3);
  });

  it('when its keys are asked for twice, then the same key set is returned and discovery runs once', async () => {
    const trusted = new TrustedIssuer(issuer.url);
    const keys = await trusted.keys();
    expect(await trusted.keys()).toBe(keys);
    expect(issuer.paths()).toEqual([OPENID]);
  });

  it('when keys are asked for at the same time, then both get the same key set', async () => {
    const trusted = new TrustedIssuer(issuer.url);
    const [a, b] = await Promise.all([trusted.keys(), trusted.keys()]);
    expect(a).toBe(b);
  });

  it('when a token names a key the JWKS lacks and the cooldown is over, then the JWKS is fetched again', async () => {
    const trusted = new TrustedIssuer(issuer.url, { ...DEFAULT_ISSUER_OPTIONS, jwksCooldownMs: 0 });
    await verify(trusted);
    const kid = await issuer.addKey('ES256');
    await expect(verify(trusted, kid)).resolves.toMatchObject({ iss: issuer.url });
    expect(issuer.paths().filter((path) => path === '/auth/jwks')).toHaveLength(2);
  });

  it('when a token names an unknown key within the cooldown, then the JWKS is not fetched again', async () => {
    const trusted = new TrustedIssuer(issuer.url, { ...DEFAULT_ISSUER_OPTIONS, jwksCooldownMs: 60_000 });
    await verify(trusted);
    const kid = await issuer.addKey('ES256');
    await expect(verify(trusted, kid)).rejects.toMatchObject({ reason: 'unknown_key' });
    expect(issuer.paths().filter((path) => path === '/auth/jwks')).toHaveLength(1);
  });

  it('when the JWKS is older than its maximum age, then it is fetched again even for a known key', async () => {
    const trusted = new TrustedIssuer(issuer.url, { ...DEFAULT_ISSUER_OPTIONS, jwksMaxAgeMs: 0 });
    await verify(trusted);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await verify(trusted);
    expect(issuer.paths().filter((path) => path === '/auth/jwks')).toHaveLength(2);
  });

  it('when the JWKS does not answer within the fetch timeout, then the issuer is unavailable', async () => {
    issuer.answer('/auth/jwks', 'hang');
    try {
      const trusted = new TrustedIssuer(issuer.url, { ...DEFAULT_ISSUER_OPTIONS, fetchTimeoutMs: 100 });
      const started = Date.now();
      await expect(verify(trusted)).rejects.toThrow(IssuerUnavailableError);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      issuer.answer('/auth/jwks', () => ({ status: 200, body: { keys: [] } }));
    }
  });
});
