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

  it('when PUBLIC_BASE_URL has a trailing slash, then it is removed', () => {
    expect(parseConfig({ PUBLIC_BASE_URL: 'https://pb.example/' }, { port: 1 }).publicBaseUrl).toBe(
      'https://pb.example',
    );
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['PUBLIC_BASE_URL', 'not a url'],
    ['DATABASE_URL', 'nope'],
    ['LOG_LEVEL', 'loud'],
    ['BODY_LIMIT_BYTES', '-1'],
  ])('when %s is %s, then start-up fails with a ConfigError', (name, value) => {
    expect(() => parseConfig({ [name]: value }, { port: 8080 })).toThrow(ConfigError);
  });
});
