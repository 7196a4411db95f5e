import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import type { ErrorRequestHandler } from 'express';
import { OperationOutcomeError } from '../../errors/operation-outcome-error.js';

/**
 * express-openapi-validator's errors as a 400 OperationOutcome (404/405 for unknown routes and
 * methods), one issue per failed rule, `expression` naming the parameter (`limit`, `deadLetterId`).
 */
export const eventsAdminValidationErrors: ErrorRequestHandler = (error: unknown, _req, _res, next) => {
  const { status, errors } = (error ?? {}) as {
    status?: unknown;
    errors?: { path?: string; message?: string }[];
  };
  if (typeof status !== 'number' || !Array.isArray(errors) || error instanceof OperationOutcomeError) {
    next(error);
    return;
  }
  const code: OperationOutcomeIssue['code'] =
    status === 404 ? 'not-found' : status === 405 ? 'not-supported' : 'invalid';
  const issue = errors.map((item): OperationOutcomeIssue => {
    const field = item.path?.split(/[./]/).filter(Boolean).pop();
    return {
      severity: 'error',
      code,
      details: { text: item.message ?? 'Invalid request' },
      ...(field ? { expression: [field] } : {}),
    };
  });
  next(new OperationOutcomeError(status, { resourceType: 'OperationOutcome', issue }));
};
