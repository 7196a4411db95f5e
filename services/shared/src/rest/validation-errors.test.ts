import { describe, expect, it } from '@jest/globals';
import { expressionOf } from './validation-errors.js';

describe('validation error expressions', () => {
  it.each([
    ['/body/reason/codes/0/system', 'reason.codes[0].system'],
    ['/body/patient', 'patient'],
    ['/query/status/1', 'status[1]'],
    ['/params/referralId', 'referralId'],
    ['/headers/idempotency-key', 'Idempotency-Key'],
    ['.body.notes', 'notes'],
  ])('when the validator reports %s, then the expression is %s', (path, expression) => {
    expect(expressionOf(path)).toBe(expression);
  });
});
