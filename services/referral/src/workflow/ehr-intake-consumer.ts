import type { ServiceRequest } from '@medplum/fhirtypes';
import {
  actorOf,
  EHR_REFERRAL_RECEIVED,
  EHR_SERVICE_REQUEST_IDENTIFIER_SYSTEM,
  parseSearchRequest,
  type EventConsumer,
} from '@peerbridge/shared';
import { referralDetailsFromServiceRequest } from '../fhir/from-fhir.js';
import { SERVICE_REQUEST } from '../fhir/resource-definitions.js';
import type { ReferralWorkflow } from './referral-workflow.js';

/**
 * The referral service's side of intake (docs/adr/0015): for each EHR referral the
 * ehr-integration service took in, the PeerBridge referral, created exactly as an EHR's FHIR
 * create would be, as this consumer's system principal. A referral is keyed on the EHR's
 * ServiceRequest URL (an identifier it carries): an event that asks again for one already made
 * changes nothing. A ServiceRequest the referral rules refuse throws, is retried, and ends as a
 * dead letter; intake has already rejected what it can tell is unmappable.
 */
export function ehrIntakeConsumer(workflow: ReferralWorkflow): EventConsumer {
  return {
    name: 'ehr-intake',
    eventTypes: [EHR_REFERRAL_RECEIVED],
    async handle(tx, event, delivery) {
      const repository = delivery.repository!;
      const request = event.resources?.find((r): r is ServiceRequest => r.resourceType === 'ServiceRequest');
      const key = request?.identifier?.find(
        (id) => id.system === EHR_SERVICE_REQUEST_IDENTIFIER_SYSTEM,
      )?.value;
      if (!request || !key) {
        throw new Error('An EHR referral event without its ServiceRequest and EHR identity');
      }
      const existing = await repository.search(
        parseSearchRequest(
          SERVICE_REQUEST,
          [['identifier', `${EHR_SERVICE_REQUEST_IDENTIFIER_SYSTEM}|${key}`]],
          {
            strict: true,
          },
        ),
        { q: tx },
      );
      if (existing.matches.length > 0) {
        return;
      }
      const details = referralDetailsFromServiceRequest(request, workflow.defaultProgram);
      await workflow.create(repository, details, actorOf({ auth: repository.caller }), {
        received: request,
        q: tx,
      });
    },
  };
}
