import type { ServiceRequest, Task } from '@medplum/fhirtypes';
import { actorOf, unprocessable, type WriteHandlers } from '@peerbridge/shared';
import { isPeerSupportReferral, referralDetailsFromServiceRequest } from '../fhir/from-fhir.js';
import type { FhirReferralUpdates } from '../workflow/fhir-referral-updates.js';
import type { ReferralWorkflow } from '../workflow/referral-workflow.js';

/**
 * FHIR writes that are referral changes: a peer support ServiceRequest POSTed by an EHR creates
 * a referral exactly as createReferral does (one without the code is stored as it is), and a
 * Task or ServiceRequest PUT goes through the same lifecycle rules as the REST API.
 */
export function referralWriteHandlers(
  workflow: ReferralWorkflow,
  updates: FhirReferralUpdates,
): ReadonlyMap<string, WriteHandlers> {
  return new Map<string, WriteHandlers>([
    [
      'ServiceRequest',
      {
        async create(resource, q, locals) {
          const request = resource as ServiceRequest;
          if (!isPeerSupportReferral(request)) {
            return workflow.createPlainServiceRequest(request, q);
          }
          if (request.status !== 'active') {
            throw unprocessable(
              `A new referral must be active; ${request.status} is not accepted`,
              'ServiceRequest.status',
            );
          }
          const details = referralDetailsFromServiceRequest(request, workflow.defaultProgram);
          const { serviceRequest } = await workflow.create(details, actorOf(locals), {
            received: request,
            q,
          });
          return serviceRequest;
        },
        update: (resource, expectedVersion) =>
          updates.updateServiceRequest(resource as ServiceRequest & { id: string }, expectedVersion),
        delete: (id) => updates.delete('ServiceRequest', id),
      },
    ],
    [
      'Task',
      {
        create: (resource, q) => updates.createTask(resource as Task, q),
        update: (resource, expectedVersion, locals) =>
          updates.updateTask(resource as Task & { id: string }, expectedVersion, actorOf(locals)),
        delete: (id) => updates.delete('Task', id),
      },
    ],
  ]);
}
