import { beforeEach, describe, expect, it } from '@jest/globals';
import { LocalIssuer, useLocalIssuer, nowSeconds } from '../../../../tests/support/local-issuer.js';
import { TEST_AUDIENCE } from '../../../../tests/support/test-audience.js';
import { TokenIntrospector } from './introspection.js';
import { IssuerUnavailableError } from './issuer-metadata.js';
import { TokenRejectedError } from './jwt-access-token.js';
import { TrustedIssuer } from './trusted-issuer.js';

const INTROSPECT = '/auth/introspect';
const CLIENT = { clientId: 'peerbridge', clientSecret: 's3cret' };

const issuer = useLocalIssuer();
let introspector: TokenIntrospector;

beforeEach(() => {
  introspector = new TokenIntrospector(
    [{ issuer: new TrustedIssuer(issuer.url), client: CLIENT }],
    [TEST_AUDIENCE],
    2000,
  );
});

function answering(body: Record<string, unknown>): void {
  issuer.answer(INTROSPECT, { status: 200, body });
}

/** The claims, or the rejection's reason. */
async function introspected(token = 'opaque-token'): Promise<Record<string, unknown> | string> {
  try {
    return { ...(await introspector.introspect(token)) };
  } catch (error) {
    if (error instanceof TokenRejectedError) return error.reason;
    throw error;
  }
}

describe('TokenIntrospector', () => {
  it('when it has issuers to ask, then it is configured; without any, it is not', () => {
    expect(introspector.configured).toBe(true);
    expect(new TokenIntrospector([], [TEST_AUDIENCE], 2000).configured).toBe(false);
  });

  it('when the issuer says the token is active, then its answer is the claims, posted as a form with client_secret_basic', async () => {
    answering({ active: true, scope: 'user/Task.rs', client_id: 'app' });
    expect(await introspected('opaque token+/=')).toEqual({
      active: true,
      scope: 'user/Task.rs',
      client_id: 'app',
      iss: issuer.url,
    });
    const request = issuer.requests.find((r) => r.path === INTROSPECT)!;
    expect(request.method).toBe('POST');
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from('peerbridge:s3cret').toString('base64')}`,
    );
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.headers.accept).toBe('application/json');
    expect([...new URLSearchParams(request.body)]).toEqual([
      ['token', 'opaque token+/='],
      ['token_type_hint', 'access_token'],
    ]);
  });

  it('when the client id and secret hold spaces and colons, then each is form-encoded before base64 (RFC 6749 2.3.1)', async () => {
    introspector = new TokenIntrospector(
      [
        {
          issuer: new TrustedIssuer(issuer.url),
          client: { clientId: 'peer bridge:1', clientSecret: 'a b%c' },
        },
      ],
      [TEST_AUDIENCE],
      2000,
    );
    answering({ active: true });
    await introspected();
    const request = issuer.requests.find((r) => r.path === INTROSPECT)!;
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from('peer+bridge%3A1:a+b%25c').toString('base64')}`,
    );
  });

  it.each([
    ['inactive', { active: false }],
    ['active only as a string', { active: 'true' }],
    ['active but expired beyond the clock tolerance', { active: true, exp: nowSeconds() - 61 }],
    ['active but from another issuer', { active: true, iss: 'https://elsewhere.example' }],
    ['active but for another audience', { active: true, aud: 'https://elsewhere.example/fhir' }],
    ['active but for other audiences', { active: true, aud: ['https://a.example', 'https://b.example'] }],
  ])('when the token is %s, then it is refused as inactive', async (_name, body) => {
    answering(body);
    expect(await introspected()).toBe('inactive');
  });

  it('when the refusal is described, then it says the token is not active', async () => {
    answering({ active: false });
    await expect(introspector.introspect('t')).rejects.toThrow('The access token is not active');
  });

  it.each([
    ['expired within the clock tolerance', () => ({ exp: nowSeconds() - 55 })],
    ['naming this issuer', () => ({ iss: issuer.url })],
    ['for this server', () => ({ aud: TEST_AUDIENCE })],
    ['for this server among others', () => ({ aud: ['https://a.example', TEST_AUDIENCE] })],
    ['with an aud that is neither a string nor a list', () => ({ aud: 42 })],
  ])('when the active token is %s, then it is accepted', async (_name, extra) => {
    const body = { active: true, ...extra() };
    answering(body);
    expect(await introspected()).toEqual({ ...body, iss: issuer.url });
  });

  it('when the issuer has no introspection endpoint, then it is not asked and the token is inactive', async () => {
    issuer.answer('/auth/.well-known/openid-configuration', {
      status: 200,
      body: { issuer: issuer.url, jwks_uri: `${issuer.url}/jwks` },
    });
    expect(await introspected()).toBe('inactive');
    expect(issuer.paths()).not.toContain(INTROSPECT);
  });

  it('when the first issuer finds the token inactive, then the next one is asked', async () => {
    const other = await LocalIssuer.start();
    try {
      other.answer(INTROSPECT, { status: 200, body: { active: true, sub: 'u-1' } });
      answering({ active: false });
      introspector = new TokenIntrospector(
        [
          { issuer: new TrustedIssuer(issuer.url), client: CLIENT },
          { issuer: new TrustedIssuer(other.url), client: CLIENT },
        ],
        [TEST_AUDIENCE],
        2000,
      );
      expect(await introspected()).toEqual({ active: true, sub: 'u-1', iss: other.url });
    } finally {
      await other.close();
    }
  });

  it.each([
    ['answers 500', { status: 500, body: { error: 'server_error' } }],
    ['answers with something other than JSON', { status: 200, body: undefined }],
    ['redirects', { status: 307, headers: { location: 'http://127.0.0.1:9/x' } }],
  ] as const)('when the introspection endpoint %s, then the issuer is unavailable', async (_name, answer) => {
    issuer.answer(INTROSPECT, answer);
    const error = await introspector.introspect('t').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IssuerUnavailableError);
    expect((error as Error).message).toBe(`Introspection at ${issuer.url} failed`);
  });

  it('when the introspection endpoint does not answer in time, then the issuer is unavailable', async () => {
    issuer.answer(INTROSPECT, 'hang');
    introspector = new TokenIntrospector(
      [{ issuer: new TrustedIssuer(issuer.url), client: CLIENT }],
      [TEST_AUDIENCE],
      100,
    );
    const started = Date.now();
    await expect(introspector.introspect('t')).rejects.toThrow(IssuerUnavailableError);
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
