import os from 'node:os';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, parseConfig } from './config.js';

describe('parseConfig', () => {
  it('when nothing is set, then the defaults give an embedded database and a local base URL', () => {
    const config = parseConfig({}, { port: 8080 });
    expect(config.port).toBe(8080);
    expect(config.publicBaseUrl).toBe('http://localhost:8080');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe('.data');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when DATABASE_POOL_SIZE is not set, then the pool has twice the CPU cores plus one connections', () => {
    expect(parseConfig({}, { port: 1 }).databasePoolSize).toBe(2 * os.availableParallelism() + 1);
    expect(parseConfig({ DATABASE_POOL_SIZE: '12' }, { port: 1 }).databasePoolSize).toBe(12);
  });

  it('when PUBLIC_BASE_URL has a trailing slash, then it is removed', () => {
    expect(parseConfig({ PUBLIC_BASE_URL: 'https://pb.example/' }, { port: 1 }).publicBaseUrl).toBe(
      'https://pb.example',
    );
  });

  it('when IDEMPOTENCY_KEY_TTL_HOURS is not set, then idempotency keys live 24 hours; when set, that many', () => {
    expect(parseConfig({}, { port: 1 }).idempotencyKeyTtlHours).toBe(24);
    expect(parseConfig({ IDEMPOTENCY_KEY_TTL_HOURS: '72' }, { port: 1 }).idempotencyKeyTtlHours).toBe(72);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['PUBLIC_BASE_URL', 'not a url'],
    ['DATABASE_URL', 'nope'],
    ['LOG_LEVEL', 'loud'],
    ['BODY_LIMIT_BYTES', '-1'],
    ['IDEMPOTENCY_KEY_TTL_HOURS', '0'],
    ['IDEMPOTENCY_KEY_TTL_HOURS', '1.5'],
  ])('when %s is %s, then start-up fails with a ConfigError', (name, value) => {
    expect(() => parseConfig({ [name]: value }, { port: 8080 })).toThrow(ConfigError);
  });
});

const parse = (env: Record<string, string>) =>
  parseConfig({ PUBLIC_BASE_URL: 'https://pb.example', ...env }, { port: 0 });

describe('SMART settings', () => {
  it('when SMART_AUDIENCE is not set, then the audience is the public FHIR base URL', () => {
    expect(parse({}).smart.audiences).toEqual(['https://pb.example/fhir']);
  });

  it('when SMART_ISSUERS lists several issuers, then all are trusted in order', () => {
    const config = parse({ SMART_ISSUERS: 'https://ehr.example/auth, https://idp.example' });
    expect(config.smart.issuers).toEqual(['https://ehr.example/auth', 'https://idp.example']);
  });

  it('when an issuer is not an absolute URL, then start-up fails', () => {
    expect(() => parse({ SMART_ISSUERS: 'ehr.example' })).toThrow(ConfigError);
  });

  it('when introspection credentials are given for a trusted issuer, then they are kept per issuer', () => {
    const config = parse({
      SMART_ISSUERS: 'https://ehr.example/auth',
      SMART_INTROSPECTION_CLIENTS: JSON.stringify({
        'https://ehr.example/auth': { clientId: 'peerbridge', clientSecret: 's3cret' },
      }),
    });
    expect(config.smart.introspectionClients.get('https://ehr.example/auth')).toEqual({
      clientId: 'peerbridge',
      clientSecret: 's3cret',
    });
  });

  it('when introspection credentials name an issuer that is not trusted, then start-up fails', () => {
    const env = {
      SMART_ISSUERS: 'https://ehr.example/auth',
      SMART_INTROSPECTION_CLIENTS: JSON.stringify({
        'https://other.example': { clientId: 'a', clientSecret: 'b' },
      }),
    };
    expect(() => parse(env)).toThrow('not in SMART_ISSUERS');
  });

  it('when SMART_INTROSPECTION_CLIENTS is not JSON, then start-up fails', () => {
    expect(() => parse({ SMART_ISSUERS: 'https://ehr.example', SMART_INTROSPECTION_CLIENTS: 'a:b' })).toThrow(
      ConfigError,
    );
  });

  it('when introspection credentials lack a secret, then start-up fails', () => {
    const env = {
      SMART_ISSUERS: 'https://ehr.example',
      SMART_INTROSPECTION_CLIENTS: JSON.stringify({ 'https://ehr.example': { clientId: 'a' } }),
    };
    expect(() => parse(env)).toThrow('clientSecret');
  });

  it('when no EVENT_ setting is given, then events get 5 attempts, a 2 s base delay up to 300 s, a 100 ms relay and a 30 s heartbeat', () => {
    expect(parseConfig({}, { port: 8080 }).events).toEqual({
      maxAttempts: 5,
      retryDelaySeconds: 2,
      retryDelayMaxSeconds: 300,
      relayIntervalMs: 100,
      heartbeatSeconds: 30,
    });
  });

  it.each([
    ['EVENT_MAX_ATTEMPTS', '0'],
    ['EVENT_RETRY_DELAY_SECONDS', '1.5'],
    ['EVENT_HEARTBEAT_SECONDS', '5'],
  ])('when %s is %p, then the config is refused', (name, value) => {
    expect(() => parseConfig({ [name]: value }, { port: 8080 })).toThrow(name);
  });
});

describe('CORS settings', () => {
  it('when CORS_ALLOWED_ORIGINS is not set in development, then any loopback origin is allowed and no other', () => {
    expect(parseConfig({}, { port: 0 }).cors).toEqual({ origins: [], anyLoopbackOrigin: true });
  });

  it('when CORS_ALLOWED_ORIGINS is not set in production, then no origin is allowed', () => {
    const config = parseConfig(
      { NODE_ENV: 'production', SMART_ISSUERS: 'https://ehr.example/auth' },
      { port: 0 },
    );
    expect(config.cors).toEqual({ origins: [], anyLoopbackOrigin: false });
  });

  it('when CORS_ALLOWED_ORIGINS lists origins, then exactly those are allowed, even in development', () => {
    const config = parse({ CORS_ALLOWED_ORIGINS: 'https://app.example, http://localhost:3000' });
    expect(config.cors).toEqual({
      origins: ['https://app.example', 'http://localhost:3000'],
      anyLoopbackOrigin: false,
    });
  });

  it('when CORS_ALLOWED_ORIGINS is set but empty, then no origin is allowed', () => {
    expect(parse({ CORS_ALLOWED_ORIGINS: '' }).cors).toEqual({ origins: [], anyLoopbackOrigin: false });
  });

  it.each(['https://app.example/', 'https://app.example/path', 'app.example', '*'])(
    'when CORS_ALLOWED_ORIGINS holds %s, which is not an origin, then start-up fails',
    (value) => {
      expect(() => parse({ CORS_ALLOWED_ORIGINS: value })).toThrow('CORS_ALLOWED_ORIGINS must list origins');
    },
  );
});
