import type { ErrorRequestHandler } from 'express';
import { OperationOutcomeError } from '../errors/operation-outcome-error.js';
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';

interface ValidatorError {
  status?: unknown;
  errors?: { path?: string; message?: string }[];
}

const ISSUE_CODES: Record<number, OperationOutcomeIssue['code']> = {
  400: 'invalid',
  404: 'not-found',
  405: 'not-supported',
  413: 'too-long',
  415: 'not-supported',
};

/**
 * Turns express-openapi-validator's errors into OperationOutcomes, one issue per failed rule,
 * each with `expression` naming the field in the request (`reason.codes[0].system`,
 * `Idempotency-Key`, `status`). Anything else passes on unchanged to the shared error handler.
 */
export const openApiValidationErrors: ErrorRequestHandler = (error: unknown, _req, _res, next) => {
  const { status, errors } = (error ?? {}) as ValidatorError;
  if (typeof status !== 'number' || !Array.isArray(errors) || error instanceof OperationOutcomeError) {
    next(error);
    return;
  }
  const code = ISSUE_CODES[status] ?? 'invalid';
  const issue: OperationOutcomeIssue[] = errors.map((item) => {
    const expression = expressionOf(item.path);
    return {
      severity: 'error',
      code,
      details: { text: item.message ?? 'Invalid request' },
      ...(expression ? { expression: [expression] } : {}),
    };
  });
  next(new OperationOutcomeError(status, { resourceType: 'OperationOutcome', issue }));
};

/** `/body/reason/codes/0/system` → `reason.codes[0].system`; `/headers/idempotency-key` → `Idempotency-Key`. */
export function expressionOf(path: string | undefined): string | undefined {
  if (!path) {
    return undefined;
  }
  const [location, ...segments] = path.replace(/^[./]/, '').split(/[./]/);
  if (location === 'headers') {
    return segments
      .join('-')
      .replace(/(^|-)([a-z])/g, (_m, dash: string, letter: string) => dash + letter.toUpperCase());
  }
  const fields = ['body', 'query', 'params', 'path'].includes(location ?? '')
    ? segments
    : [location, ...segments];
  return fields
    .filter((field): field is string => field !== undefined && field !== '')
    .map((field, i) => (/^\d+$/.test(field) ? `[${field}]` : i === 0 ? field : `.${field}`))
    .join('');
}
