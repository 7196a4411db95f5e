import { describe, expect, it } from '@jest/globals';
import { base64url, type JWTPayload } from 'jose';
import type { SmartConfig } from '../config/config.js';
import { useLocalIssuer, nowSeconds } from '../../../../tests/support/local-issuer.js';
import { TEST_AUDIENCE } from '../../../../tests/support/test-audience.js';
import { TokenRejectedError } from './jwt-access-token.js';
import { TokenVerifier } from './token-verifier.js';
import { DEFAULT_ISSUER_OPTIONS } from './trusted-issuer.js';

const INTROSPECT = '/auth/introspect';
const CLIENT = { clientId: 'peerbridge', clientSecret: 's3cret' };

const issuer = useLocalIssuer();

function config(overrides: Partial<SmartConfig> = {}): SmartConfig {
  return {
    issuers: [issuer.url],
    audiences: [TEST_AUDIENCE],
    introspectionClients: new Map(),
    untypedTokenIssuers: [],
    ...overrides,
  };
}

const withIntrospection = () => config({ introspectionClients: new Map([[issuer.url, CLIENT]]) });

const claims = (extra: JWTPayload = {}): JWTPayload => ({
  iss: issuer.url,
  aud: TEST_AUDIENCE,
  exp: nowSeconds() + 300,
  sub: 'user-1',
  scope: 'user/Task.rs',
  ...extra,
});

async function reason(verifier: TokenVerifier, token: string): Promise<string> {
  const error = await verifier.verify(token).catch((e: unknown) => e);
  if (error instanceof TokenRejectedError) return error.reason;
  throw error;
}

const introspections = () => issuer.paths().filter((path) => path === INTROSPECT).length;

describe('TokenVerifier', () => {
  it('when it is built, then there is one trusted issuer per configured URL', () => {
    expect(
      new TokenVerifier(config({ issuers: [issuer.url, 'https://b.example'] })).issuers.map((i) => i.url),
    ).toEqual([issuer.url, 'https://b.example']);
  });

  it('when a JWT from a trusted issuer is verified, then its context carries the issuer, subject and scopes', async () => {
    const auth = await new TokenVerifier(config()).verify(await issuer.sign(claims()));
    expect([auth.issuer, auth.subject, auth.scopes.map((scope) => scope.raw)]).toEqual([
      issuer.url,
      'user-1',
      ['user/Task.rs'],
    ]);
    expect(auth.can('Task', 's')).toBe(true);
  });

  it('when a JWT names an issuer that is not trusted, then it is refused', async () => {
    const verifier = new TokenVerifier(config());
    expect(await reason(verifier, await issuer.sign(claims({ iss: 'https://elsewhere.example' })))).toBe(
      'untrusted_issuer',
    );
    expect(await reason(verifier, await issuer.sign(claims({ iss: 42 as never })))).toBe('untrusted_issuer');
  });

  it('when the refusal of an untrusted issuer is described, then it says so', async () => {
    const token = await issuer.sign(claims({ iss: 'https://elsewhere.example' }));
    await expect(new TokenVerifier(config()).verify(token)).rejects.toThrow(
      'The access token was issued by an untrusted issuer',
    );
  });

  it('when a JWT header decodes but its payload does not, then it is refused as malformed', async () => {
    const header = base64url.encode(JSON.stringify({ alg: 'RS256', typ: 'at+jwt' }));
    const token = `${header}.${base64url.encode('not json')}.c2ln`;
    await expect(new TokenVerifier(config()).verify(token)).rejects.toMatchObject({
      reason: 'malformed',
      description: 'The access token is malformed',
    });
  });

  it('when an untyped JWT comes from an issuer known not to type its tokens, then it is accepted; from another, refused', async () => {
    const token = await issuer.sign(claims(), { header: { typ: 'JWT' } });
    expect(await reason(new TokenVerifier(config()), token)).toBe('claim_typ');
    const lenient = new TokenVerifier(config({ untypedTokenIssuers: [issuer.url] }));
    expect((await lenient.verify(token)).issuer).toBe(issuer.url);
  });

  it('when a token holds patient/ scopes without a patient, then it is refused with that reason', async () => {
    const token = await issuer.sign(claims({ scope: 'patient/Task.r' }));
    await expect(new TokenVerifier(config()).verify(token)).rejects.toMatchObject({
      reason: 'patient_context_missing',
      description: 'patient/ scopes need a patient launch context in the token',
    });
  });

  it.each(['opaque-token', 'abc.def.ghi', `x${base64url.encode('{"alg":"RS256"}')}.e30.c2ln`, 'a.b'])(
    'when %s is not a JWT and no issuer can introspect, then it is refused as not a JWT',
    async (token) => {
      await expect(new TokenVerifier(config()).verify(token)).rejects.toMatchObject({
        reason: 'not_a_jwt',
        description: 'The access token is not a JWT from a trusted issuer',
      });
      expect(introspections()).toBe(0);
    },
  );

  it('when an opaque token is active at the issuer, then its context comes from introspection, asked once for repeated use', async () => {
    issuer.answer(INTROSPECT, {
      status: 200,
      body: { active: true, scope: 'user/Task.rs', sub: 'u-2', exp: nowSeconds() + 300 },
    });
    const verifier = new TokenVerifier(withIntrospection());
    const first = await verifier.verify('opaque-token');
    expect(await verifier.verify('opaque-token')).toBe(first);
    expect([first.issuer, first.subject]).toEqual([issuer.url, 'u-2']);
    expect(introspections()).toBe(1);
    expect(issuer.requests.find((r) => r.path === INTROSPECT)?.headers.authorization).toBe(
      `Basic ${Buffer.from('peerbridge:s3cret').toString('base64')}`,
    );
  });

  it('when an introspected token has already expired within the clock tolerance, then it is not reused', async () => {
    issuer.answer(INTROSPECT, { status: 200, body: { active: true, exp: nowSeconds() - 30 } });
    const verifier = new TokenVerifier(withIntrospection());
    await verifier.verify('opaque-token');
    await verifier.verify('opaque-token');
    expect(introspections()).toBe(2);
  });

  it('when an introspected token is inactive, then it is refused and asked again next time', async () => {
    const verifier = new TokenVerifier(withIntrospection());
    expect(await reason(verifier, 'opaque-token')).toBe('inactive');
    expect(await reason(verifier, 'opaque-token')).toBe('inactive');
    expect(introspections()).toBe(2);
  });

  it('when a token shaped like a JWT has a header that is not JSON, then it is introspected', async () => {
    const verifier = new TokenVerifier(withIntrospection());
    expect(await reason(verifier, 'abc.def.ghi')).toBe('inactive');
    expect(introspections()).toBe(1);
  });

  it('when introspection credentials name an issuer that is not trusted, then they are not used', async () => {
    const verifier = new TokenVerifier(
      config({ introspectionClients: new Map([['https://b.example', CLIENT]]) }),
    );
    expect(await reason(verifier, 'opaque-token')).toBe('not_a_jwt');
  });

  it('when the fetch timeout is set, then introspection gives up after it', async () => {
    issuer.answer(INTROSPECT, 'hang');
    const verifier = new TokenVerifier(withIntrospection(), {
      ...DEFAULT_ISSUER_OPTIONS,
      fetchTimeoutMs: 100,
    });
    const started = Date.now();
    await expect(verifier.verify('opaque-token')).rejects.toThrow(`Introspection at ${issuer.url} failed`);
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
