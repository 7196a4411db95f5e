import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { requestHash } from './request-hash.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('requestHash', () => {
  it('when a body is hashed, then the hash is SHA-256 of its RFC 8785 canonical form (keys sorted, no spaces)', () => {
    const body = { status: 'rejected', reason: { text: 'No capacity', codes: [{ system: 's', code: 'c' }] } };
    expect(requestHash(body)).toBe(
      sha256('{"reason":{"codes":[{"code":"c","system":"s"}],"text":"No capacity"},"status":"rejected"}'),
    );
  });

  it('when the same body comes with its keys in another order, then the hash is the same', () => {
    expect(requestHash({ a: 1, b: { c: [1, 2], d: null } })).toBe(
      requestHash({ b: { d: null, c: [1, 2] }, a: 1 }),
    );
  });

  it('when a value differs, or array items are in another order, then the hash differs', () => {
    expect(requestHash({ priority: 'urgent' })).not.toBe(requestHash({ priority: 'routine' }));
    expect(requestHash({ codes: [1, 2] })).not.toBe(requestHash({ codes: [2, 1] }));
  });

  it('when a number is written another way, then RFC 8785 gives it one form and one hash', () => {
    expect(requestHash(JSON.parse('{"limit": 1.50e1}'))).toBe(sha256('{"limit":15}'));
  });
});
