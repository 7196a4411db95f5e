import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * Same body, same hash, whatever the order of its keys or the spelling of its numbers: SHA-256
 * of the body's RFC 8785 (JSON Canonicalization Scheme) form.
 */
export function requestHash(body: unknown): string {
  return createHash('sha256')
    .update(canonicalize(body) ?? '')
    .digest('hex');
}
