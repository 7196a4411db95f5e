import { expect } from '@jest/globals';
import type { Response } from 'supertest';

/** RFC 6750 401: a Bearer challenge (with error="invalid_token" for a bad token) and an OperationOutcome. */
export function expectUnauthorized(res: Response, error?: 'invalid_token', because?: string): void {
  expect(res.status).toBe(401);
  const challenge = String(res.headers['www-authenticate']);
  if (because !== undefined) {
    expect(challenge).toContain(because);
  }
  expect(challenge).toMatch(/^Bearer /);
  if (error) {
    expect(challenge).toContain(`error="${error}"`);
  } else {
    expect(challenge).not.toContain('error=');
  }
  expect(res.body.resourceType).toBe('OperationOutcome');
  expect(res.body.issue[0].code).toBe('login');
}

/** RFC 6750 403: error="insufficient_scope" and an OperationOutcome. */
export function expectForbidden(res: Response): void {
  expect(res.status).toBe(403);
  expect(String(res.headers['www-authenticate'])).toContain('error="insufficient_scope"');
  expect(res.body.resourceType).toBe('OperationOutcome');
  expect(res.body.issue[0].code).toBe('forbidden');
}
