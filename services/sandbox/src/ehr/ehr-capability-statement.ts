import type { CapabilityStatement } from '@medplum/fhirtypes';
import { EHR_WRITE_BACK_TYPES } from '@peerbridge/shared';

/** Resource types the sandbox EHR serves: its demo data, and what PeerBridge writes back. */
export const EHR_RESOURCE_TYPES = [
  'Organization',
  'Practitioner',
  'Patient',
  'ServiceRequest',
  ...EHR_WRITE_BACK_TYPES,
  'Consent',
] as const;

const SEARCH_PARAMS: Readonly<Record<string, readonly [string, string][]>> = {
  Patient: [
    ['identifier', 'token'],
    ['name', 'string'],
    ['birthdate', 'date'],
  ],
  ServiceRequest: [
    ['code', 'token'],
    ['subject', 'reference'],
    ['patient', 'reference'],
    ['identifier', 'token'],
    ['status', 'token'],
  ],
  Task: [
    ['owner', 'reference'],
    ['focus', 'reference'],
    ['patient', 'reference'],
    ['identifier', 'token'],
    ['status', 'token'],
  ],
};

/**
 * The sandbox EHR's own CapabilityStatement: what Medplum's router does over its in-memory
 * repository for the types above, with SMART on FHIR security pointing at the sandbox
 * authorization server (the same endpoints `.well-known/smart-configuration` gives).
 */
export function ehrCapabilityStatement(baseUrl: string, issuer: string, date: string): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date,
    kind: 'instance',
    name: 'PeerBridgeSandboxEhr',
    title: 'PeerBridge sandbox EHR (development only)',
    software: { name: 'PeerBridge sandbox EHR on @medplum/fhir-router' },
    implementation: { description: 'Sandbox EHR for development, demos and tests', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        security: {
          cors: false,
          service: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                  code: 'SMART-on-FHIR',
                },
              ],
            },
          ],
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [
                { url: 'token', valueUri: `${issuer}/token` },
                { url: 'authorize', valueUri: `${issuer}/auth` },
              ],
            },
          ],
        },
        resource: EHR_RESOURCE_TYPES.map((type) => ({
          type,
          interaction: ['read', 'vread', 'search-type', 'create', 'update', 'delete', 'history-instance'].map(
            (code) => ({
              code: code as 'read',
            }),
          ),
          conditionalCreate: true,
          conditionalUpdate: true,
          searchParam: [
            ['_id', 'token'] as const,
            ['_lastUpdated', 'date'] as const,
            ...(SEARCH_PARAMS[type] ?? []),
          ].map(([name, kind]) => ({ name, type: kind as 'token' })),
        })),
      },
    ],
  };
}

/** SMART discovery for the EHR: a backend client finds the token endpoint here. */
export function ehrSmartConfiguration(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}/jwks`,
    token_endpoint: `${issuer}/token`,
    authorization_endpoint: `${issuer}/auth`,
    grant_types_supported: ['client_credentials', 'authorization_code'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
    scopes_supported: ['system/*.rs', 'system/*.cruds'],
    capabilities: ['client-confidential-asymmetric', 'permission-v2'],
  };
}
