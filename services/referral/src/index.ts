export { referralService } from './service.js';
export { createReferralApp } from './app.js';
export * from './fhir/resource-definitions.js';
