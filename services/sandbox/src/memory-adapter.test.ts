import { describe, expect, it, jest } from '@jest/globals';
import { memoryAdapterFactory } from './memory-adapter.js';

describe('sandbox in-memory oidc-provider adapter', () => {
  it('when an entry expires, then it is no longer found', async () => {
    jest.useFakeTimers();
    try {
      const adapter = memoryAdapterFactory()('ReplayDetection');
      await adapter.upsert('client:jti-1', { iat: 1 }, 300);
      expect(await adapter.find('client:jti-1')).toEqual({ iat: 1 });
      jest.advanceTimersByTime(301_000);
      expect(await adapter.find('client:jti-1')).toBeUndefined();
    } finally {
      jest.useRealTimers();
    }
  });

  it('when a grant is revoked, then every token of that grant is gone and others stay', async () => {
    const factory = memoryAdapterFactory();
    const accessTokens = factory('AccessToken');
    const refreshTokens = factory('RefreshToken');
    await accessTokens.upsert('at-1', { grantId: 'g1' }, 60);
    await refreshTokens.upsert('rt-1', { grantId: 'g1' }, 60);
    await accessTokens.upsert('at-2', { grantId: 'g2' }, 60);
    await accessTokens.revokeByGrantId('g1');
    expect(await accessTokens.find('at-1')).toBeUndefined();
    expect(await refreshTokens.find('rt-1')).toBeUndefined();
    expect(await accessTokens.find('at-2')).toEqual({ grantId: 'g2' });
  });

  it('when a code is consumed, then it is marked consumed; sessions are found by uid', async () => {
    const factory = memoryAdapterFactory();
    const codes = factory('AuthorizationCode');
    await codes.upsert('code-1', { grantId: 'g' }, 60);
    await codes.consume('code-1');
    expect((await codes.find('code-1'))?.consumed).toEqual(expect.any(Number));
    const sessions = factory('Session');
    await sessions.upsert('s-1', { uid: 'u-1' }, 60);
    expect(await sessions.findByUid('u-1')).toEqual({ uid: 'u-1' });
  });

  it('when two sandboxes run in one process, then they do not share storage', async () => {
    await memoryAdapterFactory()('Grant').upsert('g', { accountId: 'a' }, 60);
    expect(await memoryAdapterFactory()('Grant').find('g')).toBeUndefined();
  });
});
