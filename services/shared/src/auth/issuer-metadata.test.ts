import { describe, expect, it } from '@jest/globals';
import { useLocalIssuer } from '../../../../tests/support/local-issuer.js';
import { discoverIssuer, IssuerUnavailableError } from './issuer-metadata.js';

const OPENID = '/auth/.well-known/openid-configuration';
const SMART = '/auth/.well-known/smart-configuration';

const issuer = useLocalIssuer();

/** The error discovery fails with, or undefined when it succeeds. */
async function failure(url = issuer.url, timeoutMs = 2000): Promise<Error | undefined> {
  return discoverIssuer(url, timeoutMs).then(
    () => undefined,
    (error: unknown) => error as Error,
  );
}

describe('discoverIssuer', () => {
  it('when the issuer serves its OpenID configuration, then its metadata is read from there, asking for JSON', async () => {
    issuer.answer(OPENID, {
      status: 200,
      body: { ...issuer.metadata(), token_endpoint: `${issuer.url}/token` },
    });
    expect(await discoverIssuer(issuer.url, 2000)).toEqual({
      issuer: issuer.url,
      jwks_uri: `${issuer.url}/jwks`,
      introspection_endpoint: `${issuer.url}/introspect`,
      token_endpoint: `${issuer.url}/token`,
    });
    expect(issuer.paths()).toEqual([OPENID]);
    expect(issuer.requests[0]!.headers.accept).toBe('application/json');
  });

  it('when the issuer URL ends with a slash, then the discovery path follows it without a double slash', async () => {
    issuer.answer(OPENID, { status: 200, body: { jwks_uri: `${issuer.url}/jwks` } });
    expect(await discoverIssuer(`${issuer.url}/`, 2000)).toEqual({
      issuer: `${issuer.url}/`,
      jwks_uri: `${issuer.url}/jwks`,
    });
    expect(issuer.paths()).toEqual([OPENID]);
  });

  it('when only the SMART configuration is served, then discovery falls back to it', async () => {
    issuer.answer(OPENID, { status: 404 });
    issuer.answer(SMART, { status: 200, body: { issuer: issuer.url, jwks_uri: `${issuer.url}/smart-jwks` } });
    expect(await discoverIssuer(issuer.url, 2000)).toEqual({
      issuer: issuer.url,
      jwks_uri: `${issuer.url}/smart-jwks`,
    });
    expect(issuer.paths()).toEqual([OPENID, SMART]);
  });

  it('when neither document is served, then the issuer is unavailable and the error names both answers', async () => {
    issuer.answer(OPENID, { status: 404 });
    issuer.answer(SMART, { status: 500 });
    const error = await failure();
    expect(error).toBeInstanceOf(IssuerUnavailableError);
    expect(error?.message).toBe(
      `Discovery failed for ${issuer.url} (/.well-known/openid-configuration: HTTP 404; /.well-known/smart-configuration: HTTP 500)`,
    );
  });

  it('when the configuration redirects elsewhere, then the redirect is not followed', async () => {
    issuer.answer(OPENID, { status: 302, headers: { location: `${issuer.url}/moved` } });
    issuer.answer('/auth/moved', { status: 200, body: issuer.metadata() });
    expect(await failure()).toBeInstanceOf(IssuerUnavailableError);
    expect(issuer.paths()).toEqual([OPENID, SMART]);
  });

  it('when the issuer does not answer in time, then discovery gives up after the timeout', async () => {
    issuer.answer(OPENID, 'hang');
    const started = Date.now();
    const error = await failure(issuer.url, 200);
    expect(error?.message).toMatch(
      /^Discovery failed for \S+ \(\/\.well-known\/openid-configuration: [^;]+; \/\.well-known\/smart-configuration: HTTP 404\)$/,
    );
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it.each([
    ['an array', [], 'discovery document is not a JSON object'],
    ['null', null, 'discovery document is not a JSON object'],
    ['a string', 'metadata', 'discovery document is not a JSON object'],
    [
      'another issuer',
      { issuer: 'https://other.example', jwks_uri: 'https://other.example/jwks' },
      'discovery document names issuer https://other.example',
    ],
    ['no jwks_uri', {}, 'discovery document has no jwks_uri'],
    ['a jwks_uri that is not a string', { jwks_uri: 42 }, 'discovery document has no jwks_uri'],
  ])('when the document is %s, then it is refused with that reason', async (_name, body, reason) => {
    issuer.answer(OPENID, { status: 200, body });
    expect((await failure())?.message).toBe(
      `Discovery failed for ${issuer.url} (/.well-known/openid-configuration: ${reason}; /.well-known/smart-configuration: HTTP 404)`,
    );
  });

  it.each([
    'jwks_uri',
    'authorization_endpoint',
    'token_endpoint',
    'introspection_endpoint',
    'revocation_endpoint',
    'registration_endpoint',
    'management_endpoint',
    'userinfo_endpoint',
  ])('when %s is not an absolute URL, then the document is refused', async (field) => {
    // A jwks_uri that is not a string at all is refused as missing (above).
    for (const value of field === 'jwks_uri' ? ['/relative/path'] : ['/relative/path', 42]) {
      issuer.answer(OPENID, { status: 200, body: { ...issuer.metadata(), [field]: value } });
      expect((await failure())?.message).toBe(
        `Discovery failed for ${issuer.url} (/.well-known/openid-configuration: discovery document's ${field} is not an absolute URL; /.well-known/smart-configuration: HTTP 404)`,
      );
    }
  });
});
