export * from './smart-client/access-tokens.js';
export * from './smart-client/client-assertion.js';
export * from './smart-client/ehr-errors.js';
export * from './smart-client/ehr-fhir-client.js';
export * from './smart-client/token-endpoint.js';
