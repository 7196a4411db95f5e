import { describe, expect, it } from '@jest/globals';
import { classifyWriteBackFailure, retryDelayMs, type EhrFailureFacts } from './write-back-retry.js';

const facts = (overrides: Partial<EhrFailureFacts>): EhrFailureFacts => ({
  name: 'EhrFhirError',
  status: undefined,
  operation: 'update',
  retryAfterSeconds: undefined,
  retryAt: undefined,
  outcome: undefined,
  ...overrides,
});

const OUTCOME = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid' }] };

describe('classifyWriteBackFailure', () => {
  it.each([400, 403, 404, 409, 412, 422])(
    'when the EHR answers a FHIR %i, then the write is dead with its OperationOutcome',
    (status) => {
      expect(classifyWriteBackFailure(facts({ status, outcome: OUTCOME }))).toEqual({
        kind: 'dead',
        failure: `update: HTTP ${status}`,
        outcome: OUTCOME,
      });
    },
  );

  it.each([401, 408, 429, 500, 502, 503, 504])(
    'when the EHR answers %i, then the write is retried',
    (status) => {
      expect(classifyWriteBackFailure(facts({ status })).kind).toBe('retry');
    },
  );

  it('when a 4xx answer is not FHIR (an HTML page from a proxy), then the write is retried', () => {
    expect(classifyWriteBackFailure(facts({ name: 'EhrUnavailableError', status: 404 }))).toEqual({
      kind: 'retry',
      retryAfterMs: undefined,
      failure: 'update: HTTP 404',
    });
  });

  it('when there was no answer, then the write is retried and the failure says so', () => {
    expect(classifyWriteBackFailure(facts({ name: 'EhrUnavailableError' }))).toEqual({
      kind: 'retry',
      retryAfterMs: undefined,
      failure: 'update: no answer',
    });
  });

  it('when the EHR sent Retry-After, then the retry waits that long', () => {
    expect(classifyWriteBackFailure(facts({ status: 429, retryAfterSeconds: 7 }))).toMatchObject({
      kind: 'retry',
      retryAfterMs: 7000,
    });
  });

  it('when the token endpoint refused the client, then the retry waits until the refusal lapses', () => {
    const now = Date.parse('2026-12-02T10:00:00Z');
    expect(
      classifyWriteBackFailure(
        facts({ name: 'EhrClientRefusedError', operation: undefined, retryAt: new Date(now + 60_000) }),
        now,
      ),
    ).toEqual({
      kind: 'retry',
      retryAfterMs: 60_000,
      failure: 'token: the token endpoint refused the client',
    });
  });
});

describe('retryDelayMs', () => {
  const options = { baseMs: 1000, maxMs: 60_000 };

  it('when failures repeat, then the delay doubles, half of it fixed and half random', () => {
    expect([1, 2, 3, 4].map((failures) => retryDelayMs(failures, options, () => 0))).toEqual([
      500, 1000, 2000, 4000,
    ]);
    expect([1, 2, 3, 4].map((failures) => retryDelayMs(failures, options, () => 1))).toEqual([
      1000, 2000, 4000, 8000,
    ]);
  });

  it('when the exponential passes the cap, then the cap bounds it', () => {
    expect(retryDelayMs(30, options, () => 1)).toBe(60_000);
  });

  it('when Retry-After is longer than the backoff, then it wins; when shorter, the backoff does', () => {
    expect(retryDelayMs(1, { ...options, retryAfterMs: 5000 }, () => 1)).toBe(5000);
    expect(retryDelayMs(3, { ...options, retryAfterMs: 100 }, () => 1)).toBe(4000);
  });
});
