import { describe, expect, it } from '@jest/globals';
import { insufficientScope, invalidToken, issuerUnavailable, missingToken } from './auth-errors.js';

describe('auth errors', () => {
  it('when a token is missing, then 401 login with a bare Bearer challenge', () => {
    const error = missingToken('Send a token');
    expect([error.status, error.outcome.issue?.[0], error.headers]).toEqual([
      401,
      { severity: 'error', code: 'login', details: { text: 'Send a token' } },
      { 'WWW-Authenticate': 'Bearer realm="PeerBridge"' },
    ]);
  });

  it('when a token is invalid, then 401 invalid_token describing the failed check', () => {
    const error = invalidToken('The access token has expired');
    expect([error.status, error.outcome.issue?.[0]?.code, error.headers]).toEqual([
      401,
      'login',
      {
        'WWW-Authenticate':
          'Bearer realm="PeerBridge", error="invalid_token", error_description="The access token has expired"',
      },
    ]);
  });

  it('when the scopes fall short, then 403 insufficient_scope', () => {
    const error = insufficientScope('Needs user/Task.r');
    expect([error.status, error.outcome.issue?.[0]?.code, error.headers]).toEqual([
      403,
      'forbidden',
      {
        'WWW-Authenticate':
          'Bearer realm="PeerBridge", error="insufficient_scope", error_description="Needs user/Task.r"',
      },
    ]);
  });

  it('when a description holds quotes, backslashes or characters beyond printable ASCII, then each becomes a space in the header', () => {
    const text = 'a"b\\c\nd\u00e9e~!#[]';
    expect(invalidToken(text).headers['WWW-Authenticate']).toBe(
      'Bearer realm="PeerBridge", error="invalid_token", error_description="a b c d e~!#[]"',
    );
    expect(insufficientScope(text).headers['WWW-Authenticate']).toBe(
      'Bearer realm="PeerBridge", error="insufficient_scope", error_description="a b c d e~!#[]"',
    );
    expect(invalidToken(text).outcome.issue?.[0]?.details?.text).toBe(text);
  });

  it('when the issuer cannot be reached, then 503 transient with Retry-After', () => {
    const error = issuerUnavailable();
    expect([error.status, error.outcome.issue?.[0], error.headers]).toEqual([
      503,
      {
        severity: 'error',
        code: 'transient',
        details: { text: 'The authorization server cannot be reached; try again shortly' },
      },
      { 'Retry-After': '5' },
    ]);
  });
});
