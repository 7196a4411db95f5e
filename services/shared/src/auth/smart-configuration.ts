import type { CapabilityStatementRestSecurity, Extension } from '@medplum/fhirtypes';
import type { IssuerMetadata } from './issuer-metadata.js';

/**
 * What PeerBridge tells SMART clients about its authorization server (SMART App Launch 2.2,
 * "Conformance"): the first trusted issuer's endpoints, PKCE with S256 only, and only the
 * capabilities that work. The permission capabilities are this resource server's own (it honours
 * patient and user scopes, v1 and v2); the launch, client and refresh capabilities are the
 * issuer's, read from its discovery document, so that an app is not sent down a path the issuer
 * refuses.
 */
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
    grant_types_supported: grantTypes(metadata),
    response_types_supported: metadata.response_types_supported ?? ['code'],
    scopes_supported: metadata.scopes_supported,
    token_endpoint_auth_methods_supported: authMethods(metadata),
    token_endpoint_auth_signing_alg_values_supported:
      metadata.token_endpoint_auth_signing_alg_values_supported ?? ['RS384', 'ES384'],
    code_challenge_methods_supported: ['S256'],
    capabilities: smartCapabilities(metadata),
  };
}

/** Scopes this resource server understands, whichever issuer grants them. */
const RESOURCE_SERVER_CAPABILITIES = [
  'permission-patient',
  'permission-user',
  'permission-v1',
  'permission-v2',
];

/**
 * SMART capabilities (http://terminology.hl7.org/CodeSystem/smart-capabilities) the issuer's
 * discovery document shows it supports. An issuer that lists no scopes is taken to support the
 * SMART launch scopes: it cannot be asked, and SMART issuers do.
 */
export function smartCapabilities(metadata: IssuerMetadata): string[] {
  const grants = new Set(grantTypes(metadata));
  const auth = new Set(authMethods(metadata));
  const scopes = new Set(metadata.scopes_supported ?? SMART_LAUNCH_SCOPES);
  const codeFlow = grants.has('authorization_code') && metadata.authorization_endpoint !== undefined;
  const when = (condition: boolean, ...capabilities: string[]) => (condition ? capabilities : []);
  return [
    ...when(codeFlow && scopes.has('launch'), 'launch-ehr', 'context-ehr-patient'),
    ...when(codeFlow && scopes.has('launch') && scopes.has('launch/encounter'), 'context-ehr-encounter'),
    ...when(codeFlow, 'launch-standalone'),
    ...when(codeFlow && scopes.has('launch/patient'), 'context-standalone-patient'),
    ...when(codeFlow && (scopes.has('launch') || scopes.has('launch/patient')), 'context-banner'),
    ...when(codeFlow && auth.has('none'), 'client-public'),
    ...when(auth.has('private_key_jwt'), 'client-confidential-asymmetric'),
    ...when(codeFlow && scopes.has('openid'), 'sso-openid-connect'),
    ...when(grants.has('refresh_token') && scopes.has('offline_access'), 'permission-offline'),
    ...RESOURCE_SERVER_CAPABILITIES,
  ];
}

const SMART_LAUNCH_SCOPES = ['openid', 'launch', 'launch/patient', 'launch/encounter', 'offline_access'];

function grantTypes(metadata: IssuerMetadata): readonly string[] {
  return metadata.grant_types_supported ?? ['authorization_code', 'client_credentials'];
}

function authMethods(metadata: IssuerMetadata): readonly string[] {
  return metadata.token_endpoint_auth_methods_supported ?? ['private_key_jwt'];
}

const SECURITY_SERVICE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/restful-security-service';
const OAUTH_URIS = 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris';

/**
 * CapabilityStatement.rest.security: whether browsers of other origins may call (`cors`), the
 * SMART-on-FHIR service and, when the issuer's metadata is at hand, the oauth-uris extension
 * naming the same endpoints as smart-configuration.
 */
export function restSecurity(
  metadata: IssuerMetadata | undefined,
  cors: boolean,
): CapabilityStatementRestSecurity {
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
    cors,
    service: [
      {
        coding: [{ system: SECURITY_SERVICE_SYSTEM, code: 'SMART-on-FHIR', display: 'SMART-on-FHIR' }],
        text: 'OAuth2 using SMART-on-FHIR profile (see http://docs.smarthealthit.org)',
      },
    ],
    description:
      'Every request except /fhir/metadata, /fhir/.well-known/smart-configuration and CORS preflights needs a SMART on FHIR bearer access token (v1 or v2 scopes).',
    ...(uris.length > 0 ? { extension: [{ url: OAUTH_URIS, extension: uris }] } : {}),
  };
}
