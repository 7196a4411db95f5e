import type { CapabilityStatementRestSecurity, Extension } from '@medplum/fhirtypes';
import type { IssuerMetadata } from './issuer-metadata.js';

/**
 * What PeerBridge tells SMART clients about its authorization server (SMART App Launch 2.2,
 * "Conformance"): the first trusted issuer's endpoints, PKCE with S256 only, and the capabilities
 * this resource server honours. Launch and client capabilities describe the issuer PeerBridge
 * works with (the EHR's, or the development sandbox), which supports all of them.
 */
export const SMART_CAPABILITIES = [
  'launch-ehr',
  'launch-standalone',
  'client-public',
  'client-confidential-asymmetric',
  'sso-openid-connect',
  'context-ehr-patient',
  'context-ehr-encounter',
  'context-standalone-patient',
  'context-banner',
  'permission-patient',
  'permission-user',
  'permission-v1',
  'permission-v2',
] as const;

export function smartConfiguration(metadata: IssuerMetadata): Record<string, unknown> {
  return {
    issuer: metadata.issuer,
    jwks_uri: metadata.jwks_uri,
    authorization_endpoint: metadata.authorization_endpoint,
    token_endpoint: metadata.token_endpoint,
    introspection_endpoint: metadata.introspection_endpoint,
    revocation_endpoint: metadata.revocation_endpoint,
    registration_endpoint: metadata.registration_endpoint,
    management_endpoint: metadata.management_endpoint,
    userinfo_endpoint: metadata.userinfo_endpoint,
    grant_types_supported: metadata.grant_types_supported ?? ['authorization_code', 'client_credentials'],
    response_types_supported: metadata.response_types_supported ?? ['code'],
    scopes_supported: metadata.scopes_supported,
    token_endpoint_auth_methods_supported: metadata.token_endpoint_auth_methods_supported ?? [
      'private_key_jwt',
    ],
    token_endpoint_auth_signing_alg_values_supported:
      metadata.token_endpoint_auth_signing_alg_values_supported ?? ['RS384', 'ES384'],
    code_challenge_methods_supported: ['S256'],
    capabilities: [...SMART_CAPABILITIES],
  };
}

const SECURITY_SERVICE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/restful-security-service';
const OAUTH_URIS = 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris';

/**
 * CapabilityStatement.rest.security: the SMART-on-FHIR service and, when the issuer's metadata is
 * at hand, the oauth-uris extension naming the same endpoints as smart-configuration.
 */
export function restSecurity(metadata: IssuerMetadata | undefined): CapabilityStatementRestSecurity {
  const endpoints: [string, string | undefined][] = metadata
    ? [
        ['authorize', metadata.authorization_endpoint],
        ['token', metadata.token_endpoint],
        ['introspect', metadata.introspection_endpoint],
        ['revoke', metadata.revocation_endpoint],
        ['register', metadata.registration_endpoint],
        ['manage', metadata.management_endpoint],
      ]
    : [];
  const uris: Extension[] = endpoints.flatMap(([url, valueUri]) => (valueUri ? [{ url, valueUri }] : []));
  return {
    cors: false,
    service: [
      {
        coding: [{ system: SECURITY_SERVICE_SYSTEM, code: 'SMART-on-FHIR', display: 'SMART-on-FHIR' }],
        text: 'OAuth2 using SMART-on-FHIR profile (see http://docs.smarthealthit.org)',
      },
    ],
    description:
      'Every request except /fhir/metadata and /fhir/.well-known/smart-configuration needs a SMART on FHIR bearer access token (v1 or v2 scopes).',
    ...(uris.length > 0 ? { extension: [{ url: OAUTH_URIS, extension: uris }] } : {}),
  };
}
