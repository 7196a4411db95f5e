import type { QuestionnaireResponse } from '@medplum/fhirtypes';
import type { WriteHandlers } from '@peerbridge/shared';
import type { OutcomeWorkflow } from '../workflow/outcome-workflow.js';

/**
 * A QuestionnaireResponse POSTed to /fhir is an outcome recorded as `recordOutcome` records it,
 * with the caller's repository; one that cannot be scored is stored unscored and the reasons
 * go back as warnings (with `Prefer: return=OperationOutcome`).
 */
export function outcomeWriteHandlers(outcomes: OutcomeWorkflow): ReadonlyMap<string, WriteHandlers> {
  return new Map<string, WriteHandlers>([
    [
      'QuestionnaireResponse',
      {
        async create(resource, repo, q) {
          const stored = await outcomes.createFromFhir(repo, resource as QuestionnaireResponse, q);
          return { resource: stored.questionnaireResponse, issues: stored.issues };
        },
      },
    ],
  ]);
}
