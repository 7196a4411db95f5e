import type { ServiceRequest, Task } from '@medplum/fhirtypes';
import { actorOf, unprocessable, type WriteHandlers } from '@peerbridge/shared';
import { isPeerSupportReferral, referralDetailsFromServiceRequest } from '../fhir/from-fhir.js';
import type { FhirReferralUpdates } from '../workflow/fhir-referral-updates.js';
import type { ReferralWorkflow } from '../workflow/referral-workflow.js';

/**
 * FHIR writes that are referral changes: a peer support ServiceRequest POSTed by an EHR creates
 * a referral exactly as createReferral does (one without the code is stored as it is), and a
 * Task or ServiceRequest PUT goes through the same lifecycle rules as the REST API. Each runs
 * with the caller's repository.
 */
export function referralWriteHandlers(
  workflow: ReferralWorkflow,
  updates: FhirReferralUpdates,
): ReadonlyMap<string, WriteHandlers> {
  return new Map<string, WriteHandlers>([
    [
      'ServiceRequest',
      {
        async create(resource, repo, q) {
          const request = resource as ServiceRequest;
          if (!isPeerSupportReferral(request)) {
            return workflow.createPlainServiceRequest(repo, request, q);
          }
          if (request.status !== 'active') {
            throw unprocessable(
              `A new referral must be active; ${request.status} is not accepted`,
              'ServiceRequest.status',
            );
          }
          const details = referralDetailsFromServiceRequest(request, workflow.defaultProgram);
          const { serviceRequest } = await workflow.create(repo, details, actorOf({ auth: repo.caller }), {
            received: request,
            q,
          });
          return serviceRequest;
        },
        update: (resource, expectedVersion, repo) =>
          updates.updateServiceRequest(repo, resource as ServiceRequest & { id: string }, expectedVersion),
        delete: (_type, id, repo) => updates.delete(repo, 'ServiceRequest', id),
      },
    ],
    [
      'Task',
      {
        create: (resource, repo, q) => updates.createTask(repo, resource as Task, q),
        update: (resource, expectedVersion, repo) =>
          updates.updateTask(
            repo,
            resource as Task & { id: string },
            expectedVersion,
            actorOf({ auth: repo.caller }),
          ),
        delete: (_type, id, repo) => updates.delete(repo, 'Task', id),
      },
    ],
  ]);
}
