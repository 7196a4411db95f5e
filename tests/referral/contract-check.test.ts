import { describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { expectContract } from './support/contract.js';

const json = { 'content-type': 'application/json; charset=utf-8' };

function fake(status: number, body: unknown, headers: Record<string, string> = json): Response {
  return { status, body, headers } as unknown as Response;
}

describe('the contract check itself', () => {
  it('when a response body breaks the documented schema, then the check fails', () => {
    expect(() =>
      expectContract(fake(200, { referralId: 'r1', items: [{ to: 'teleported' }] }), 'getReferralHistory'),
    ).toThrow(/breaks the contract/);
  });

  it('when a status is not documented for the operation, then the check fails', () => {
    expect(() =>
      expectContract(fake(409, { resourceType: 'OperationOutcome', issue: [] }), 'getReferral'),
    ).toThrow();
  });

  it('when an error is sent with the wrong media type, then the check fails', () => {
    const outcome = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] };
    expect(() => expectContract(fake(404, outcome), 'getReferral')).toThrow();
    expect(() =>
      expectContract(fake(404, outcome, { 'content-type': 'application/fhir+json' }), 'getReferral'),
    ).not.toThrow();
  });
});
