import { describe, expect, it } from '@jest/globals';
import type { IssuerMetadata } from './issuer-metadata.js';
import { restSecurity, smartCapabilities, smartConfiguration } from './smart-configuration.js';

const ISS = 'https://ehr.example/auth';
const BARE: IssuerMetadata = { issuer: ISS, jwks_uri: `${ISS}/jwks` };
const ENDPOINTS = {
  authorization_endpoint: `${ISS}/authorize`,
  token_endpoint: `${ISS}/token`,
  introspection_endpoint: `${ISS}/introspect`,
  revocation_endpoint: `${ISS}/revoke`,
  registration_endpoint: `${ISS}/register`,
  management_endpoint: `${ISS}/manage`,
  userinfo_endpoint: `${ISS}/userinfo`,
};
const FULL: IssuerMetadata = {
  ...BARE,
  ...ENDPOINTS,
  grant_types_supported: ['authorization_code', 'refresh_token'],
  scopes_supported: ['openid', 'launch', 'launch/patient', 'launch/encounter', 'offline_access'],
  response_types_supported: ['code', 'token'],
  token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
  token_endpoint_auth_signing_alg_values_supported: ['ES256'],
};
/** Every launch capability, in the order they are listed. */
const LAUNCH = [
  'launch-ehr',
  'context-ehr-patient',
  'context-ehr-encounter',
  'launch-standalone',
  'context-standalone-patient',
  'context-banner',
];
const RESOURCE_SERVER = ['permission-patient', 'permission-user', 'permission-v1', 'permission-v2'];

describe('smartConfiguration', () => {
  it('when the issuer publishes everything, then the configuration repeats its endpoints and what it supports', () => {
    expect(smartConfiguration(FULL)).toEqual({
      issuer: ISS,
      jwks_uri: `${ISS}/jwks`,
      ...ENDPOINTS,
      grant_types_supported: ['authorization_code', 'refresh_token'],
      response_types_supported: ['code', 'token'],
      scopes_supported: FULL.scopes_supported,
      token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['ES256'],
      code_challenge_methods_supported: ['S256'],
      capabilities: [
        ...LAUNCH,
        'client-public',
        'client-confidential-asymmetric',
        'sso-openid-connect',
        'permission-offline',
        ...RESOURCE_SERVER,
      ],
    });
  });

  it('when the issuer publishes only its keys, then the SMART defaults fill in', () => {
    expect(smartConfiguration(BARE)).toEqual({
      issuer: ISS,
      jwks_uri: `${ISS}/jwks`,
      authorization_endpoint: undefined,
      token_endpoint: undefined,
      introspection_endpoint: undefined,
      revocation_endpoint: undefined,
      registration_endpoint: undefined,
      management_endpoint: undefined,
      userinfo_endpoint: undefined,
      grant_types_supported: ['authorization_code', 'client_credentials'],
      response_types_supported: ['code'],
      scopes_supported: undefined,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
      code_challenge_methods_supported: ['S256'],
      capabilities: ['client-confidential-asymmetric', ...RESOURCE_SERVER],
    });
  });
});

describe('smartCapabilities', () => {
  const code = { ...BARE, authorization_endpoint: `${ISS}/authorize` };

  it('when the code flow works and no scopes are listed, then the SMART launch scopes are assumed', () => {
    expect(smartCapabilities(code)).toEqual([
      ...LAUNCH,
      'client-confidential-asymmetric',
      'sso-openid-connect',
      ...RESOURCE_SERVER,
    ]);
  });

  it('when there is no authorization endpoint, then no launch capability is claimed', () => {
    expect(
      smartCapabilities({
        ...BARE,
        scopes_supported: FULL.scopes_supported,
        token_endpoint_auth_methods_supported: ['none'],
      }),
    ).toEqual(RESOURCE_SERVER);
  });

  it('when the authorization_code grant is not offered, then no launch capability is claimed', () => {
    expect(
      smartCapabilities({ ...FULL, grant_types_supported: ['client_credentials', 'refresh_token'] }),
    ).toEqual(['client-confidential-asymmetric', 'permission-offline', ...RESOURCE_SERVER]);
  });

  it.each([
    [['launch'], ['launch-ehr', 'context-ehr-patient', 'launch-standalone', 'context-banner']],
    [['launch/encounter'], ['launch-standalone']],
    [['launch/patient'], ['launch-standalone', 'context-standalone-patient', 'context-banner']],
    [['openid'], ['launch-standalone', 'sso-openid-connect']],
    [['offline_access'], ['launch-standalone']],
    [[], ['launch-standalone']],
  ])('when the issuer lists the scopes %p, then the capabilities are %p', (scopes, capabilities) => {
    expect(
      smartCapabilities({
        ...code,
        scopes_supported: scopes,
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
      }),
    ).toEqual([...capabilities, ...RESOURCE_SERVER]);
  });

  it('when refresh tokens are granted and offline_access is listed, then permission-offline is claimed', () => {
    const metadata = {
      ...BARE,
      grant_types_supported: ['refresh_token'],
      token_endpoint_auth_methods_supported: [],
    };
    expect(smartCapabilities({ ...metadata, scopes_supported: ['offline_access'] })).toEqual([
      'permission-offline',
      ...RESOURCE_SERVER,
    ]);
    expect(smartCapabilities({ ...metadata, scopes_supported: ['openid'] })).toEqual(RESOURCE_SERVER);
  });
});

describe('restSecurity', () => {
  const service = [
    {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
          code: 'SMART-on-FHIR',
          display: 'SMART-on-FHIR',
        },
      ],
      text: 'OAuth2 using SMART-on-FHIR profile (see http://docs.smarthealthit.org)',
    },
  ];
  const description =
    'Every request except /fhir/metadata, /fhir/.well-known/smart-configuration and CORS preflights needs a SMART on FHIR bearer access token (v1 or v2 scopes).';

  it("when the issuer's metadata is at hand, then the oauth-uris extension names its endpoints", () => {
    expect(restSecurity(FULL, true)).toEqual({
      cors: true,
      service,
      description,
      extension: [
        {
          url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
          extension: [
            { url: 'authorize', valueUri: `${ISS}/authorize` },
            { url: 'token', valueUri: `${ISS}/token` },
            { url: 'introspect', valueUri: `${ISS}/introspect` },
            { url: 'revoke', valueUri: `${ISS}/revoke` },
            { url: 'register', valueUri: `${ISS}/register` },
            { url: 'manage', valueUri: `${ISS}/manage` },
          ],
        },
      ],
    });
  });

  it('when the metadata names only some endpoints, then only those are listed', () => {
    expect(restSecurity({ ...BARE, token_endpoint: `${ISS}/token` }, false).extension).toEqual([
      {
        url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
        extension: [{ url: 'token', valueUri: `${ISS}/token` }],
      },
    ]);
  });

  it.each([undefined, BARE])(
    'when there are no endpoints to name (%#), then there is no extension',
    (metadata) => {
      expect(restSecurity(metadata, false)).toEqual({ cors: false, service, description });
    },
  );
});
