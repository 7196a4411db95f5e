export { careTeamService } from './service.js';
export { createCareTeamApp } from './app.js';
export * from './fhir/resource-definitions.js';
export { CARE_TEAM_OPENAPI_PATH } from './http/care-team-contract.js';
