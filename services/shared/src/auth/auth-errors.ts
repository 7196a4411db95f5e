import { OperationOutcomeError, outcome } from '../errors/operation-outcome-error.js';

const REALM = 'realm="PeerBridge"';

/**
 * RFC 6750 section 3: a request without credentials gets a bare Bearer challenge; one with a
 * token that is bad gets `error="invalid_token"`. The description names the failed check, never
 * the token or what the token said.
 */
export function missingToken(text: string): OperationOutcomeError {
  return new OperationOutcomeError(401, outcome('error', 'login', text), {
    'WWW-Authenticate': `Bearer ${REALM}`,
  });
}

export function invalidToken(description: string): OperationOutcomeError {
  return new OperationOutcomeError(401, outcome('error', 'login', description), {
    'WWW-Authenticate': `Bearer ${REALM}, error="invalid_token", error_description="${quoted(description)}"`,
  });
}

/** RFC 6750 section 3.1: the token is good but its scopes do not cover the request. */
export function insufficientScope(description: string): OperationOutcomeError {
  return new OperationOutcomeError(403, outcome('error', 'forbidden', description), {
    'WWW-Authenticate': `Bearer ${REALM}, error="insufficient_scope", error_description="${quoted(description)}"`,
  });
}

/** The issuer's metadata, keys or introspection endpoint could not be reached: not the caller's fault. */
export function issuerUnavailable(): OperationOutcomeError {
  return new OperationOutcomeError(
    503,
    outcome('error', 'transient', 'The authorization server cannot be reached; try again shortly'),
    { 'Retry-After': '5' },
  );
}

/** error_description allows printable ASCII except `"` and `\`. */
function quoted(text: string): string {
  return text.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, ' ');
}
