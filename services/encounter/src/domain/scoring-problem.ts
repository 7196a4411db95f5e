import type { OperationOutcomeIssue } from '@medplum/fhirtypes';

/**
 * Why a QuestionnaireResponse cannot be scored, naming the item by a FHIRPath into the response
 * (`QuestionnaireResponse.item[3].answer[0]`). `code` is an OperationOutcome issue type.
 */
export interface ScoringProblem {
  readonly code: 'required' | 'code-invalid' | 'value' | 'not-found' | 'duplicate' | 'invalid';
  readonly expression: string;
  readonly text: string;
}

/**
 * The problems as OperationOutcome issues: `error` where the response is refused (REST), `warning`
 * where it is stored unscored (a FHIR create of a completed response).
 */
export function scoringIssues(
  problems: readonly ScoringProblem[],
  severity: 'error' | 'warning',
): OperationOutcomeIssue[] {
  return problems.map(({ code, expression, text }) => ({
    severity,
    code,
    details: { text },
    expression: [expression],
  }));
}
