import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

/**
 * The one error type that reaches clients. It carries the HTTP status and the OperationOutcome
 * to send; the error handler turns it into the response. Anything else thrown is an internal
 * error and is answered with a generic 500.
 */
export class OperationOutcomeError extends Error {
  readonly status: number;
  readonly outcome: OperationOutcome;
  /** Extra response headers, e.g. WWW-Authenticate on 401. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, outcome: OperationOutcome, headers: Record<string, string> = {}) {
    super(outcome.issue?.[0]?.diagnostics ?? outcome.issue?.[0]?.details?.text ?? `HTTP ${status}`);
    this.name = 'OperationOutcomeError';
    this.status = status;
    this.outcome = outcome;
    this.headers = headers;
  }
}

type IssueCode = OperationOutcomeIssue['code'];

export function outcome(
  severity: OperationOutcomeIssue['severity'],
  code: IssueCode,
  text: string,
  expression?: string | string[],
): OperationOutcome {
  const issue: OperationOutcomeIssue = { severity, code, details: { text } };
  if (expression !== undefined) {
    issue.expression = Array.isArray(expression) ? expression : [expression];
  }
  return { resourceType: 'OperationOutcome', issue: [issue] };
}

function errorFactory(status: number, code: IssueCode) {
  return (text: string, expression?: string | string[]): OperationOutcomeError =>
    new OperationOutcomeError(status, outcome('error', code, text, expression));
}

export const badRequest = errorFactory(400, 'invalid');
export const notFound = errorFactory(404, 'not-found');
export const methodNotAllowed = errorFactory(405, 'not-supported');
export const notAcceptable = errorFactory(406, 'not-supported');
/** The caller is known and its scopes allow the operation, but its role does not. */
export const forbidden = errorFactory(403, 'forbidden');
export const conflict = errorFactory(409, 'conflict');
export const gone = errorFactory(410, 'deleted');
export const preconditionFailed = errorFactory(412, 'conflict');
export const payloadTooLarge = errorFactory(413, 'too-long');
export const unsupportedMediaType = errorFactory(415, 'not-supported');
export const unprocessable = errorFactory(422, 'business-rule');

/** 400 carrying several issues at once, e.g. every validation failure of one resource. */
export function invalidResource(issues: OperationOutcomeIssue[]): OperationOutcomeError {
  return new OperationOutcomeError(400, { resourceType: 'OperationOutcome', issue: issues });
}
