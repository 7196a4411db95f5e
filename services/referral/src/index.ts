export { referralService } from './service.js';
export { createReferralApp } from './app.js';
export * from './fhir/resource-definitions.js';
export { REFERRAL_OPENAPI_PATH } from './http/referral-contract.js';
