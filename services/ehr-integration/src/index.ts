export * from './smart-client/access-tokens.js';
export * from './smart-client/client-assertion.js';
export * from './smart-client/ehr-errors.js';
export * from './smart-client/ehr-fhir-client.js';
export * from './smart-client/token-endpoint.js';
export { ehrIntegrationService, intakePoller, INTAKE_WORKER, writeBackDeliverer } from './service.js';
export type { DeliveryResult, WriteBackDeliverer } from './workflow/write-back-delivery.js';
export {
  PEERBRIDGE_RESOURCE_SYSTEM,
  PEER_SERVICES_CODE,
  SESSION_PROCEDURE_SYSTEM,
} from './fhir/ehr-write-back-resource.js';
export { createEhrIntegrationApp } from './app.js';
export { EHR_INTEGRATION_OPENAPI_PATH } from './http/ehr-integration-contract.js';
export * from './fhir/resource-definitions.js';
export { EHR_SERVICE_REQUEST_IDENTIFIER_SYSTEM } from './fhir/ehr-references.js';
export { REFERRAL_RECEIVED } from './workflow/intake-events.js';
export type { IntakePoller, PollResult } from './workflow/intake-poll.js';
