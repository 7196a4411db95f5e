export { encounterService } from './service.js';
export { createEncounterApp } from './app.js';
export * from './fhir/resource-definitions.js';
export { ENCOUNTER_OPENAPI_PATH } from './http/encounter-contract.js';
export type { RaisedSafetyFlag, SafetyConcern, SafetyEscalation } from './domain/safety-concern.js';
export { SafetyWorkflow } from './workflow/safety-workflow.js';
export { safetyFlag } from './fhir/safety-to-fhir.js';
