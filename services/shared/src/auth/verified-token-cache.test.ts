import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { VerifiedTokenCache } from './verified-token-cache.js';

const START = Date.parse('2026-01-01T00:00:00Z');
const seconds = (ms: number) => Math.floor(ms / 1000);

describe('VerifiedTokenCache', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: START });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('when a token was remembered, then the same token finds its value and another token does not', () => {
    const cache = new VerifiedTokenCache<string>(60_000);
    cache.remember('token-a', 'context-a', seconds(START) + 300);
    expect(cache.get('token-a')).toBe('context-a');
    expect(cache.get('token-b')).toBeUndefined();
  });

  it("when the token's exp comes before the maximum age, then the entry ends at exp", () => {
    const cache = new VerifiedTokenCache<string>(60_000);
    cache.remember('token', 'context', seconds(START) + 10);
    jest.setSystemTime(START + 9_999);
    expect(cache.get('token')).toBe('context');
    jest.setSystemTime(START + 10_000);
    expect(cache.get('token')).toBeUndefined();
  });

  it('when the maximum age comes before exp, then the entry ends at the maximum age', () => {
    const cache = new VerifiedTokenCache<string>(60_000);
    cache.remember('token', 'context', seconds(START) + 3_600);
    jest.setSystemTime(START + 59_999);
    expect(cache.get('token')).toBe('context');
    jest.setSystemTime(START + 60_000);
    expect(cache.get('token')).toBeUndefined();
  });

  it('when a token has already expired (accepted within the clock skew), then it is not remembered', () => {
    const cache = new VerifiedTokenCache<string>(60_000);
    cache.remember('token', 'context', seconds(START) - 30);
    expect(cache.get('token')).toBeUndefined();
  });

  it('when the cache is full, then the entry remembered longest ago makes room', () => {
    const cache = new VerifiedTokenCache<string>(60_000, 2);
    cache.remember('first', '1', undefined);
    cache.remember('second', '2', undefined);
    cache.remember('third', '3', undefined);
    expect([cache.get('first'), cache.get('second'), cache.get('third')]).toEqual([undefined, '2', '3']);
  });

  it('when an expired entry was looked up, then it no longer takes a place in a full cache', () => {
    const cache = new VerifiedTokenCache<string>(60_000, 2);
    cache.remember('long', 'kept', undefined);
    cache.remember('short', 'gone', seconds(START) + 10);
    jest.setSystemTime(START + 10_000);
    expect(cache.get('short')).toBeUndefined();
    cache.remember('new', 'added', undefined);
    expect([cache.get('long'), cache.get('new')]).toEqual(['kept', 'added']);
  });

  it('when no limits are given, then an entry lasts a minute', () => {
    const cache = new VerifiedTokenCache<string>();
    cache.remember('token', 'context', undefined);
    jest.setSystemTime(START + 59_999);
    expect(cache.get('token')).toBe('context');
    jest.setSystemTime(START + 60_000);
    expect(cache.get('token')).toBeUndefined();
  });

  it('when no limits are given, then the cache holds 10,000 entries', () => {
    const cache = new VerifiedTokenCache<number>();
    for (let i = 0; i <= 10_000; i++) {
      cache.remember(`token-${i}`, i, undefined);
    }
    expect([cache.get('token-0'), cache.get('token-1'), cache.get('token-10000')]).toEqual([
      undefined,
      1,
      10_000,
    ]);
  });
});
