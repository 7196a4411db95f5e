import {
  errors,
  type Client,
  type ClientMetadata,
  type Configuration,
  type JWK,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import { assertSmartClientAssertion } from './client-assertion-rules.js';
import { CLIENT_ASSERTION_ALGORITHMS, SANDBOX_INTROSPECTION_CLIENT, demoClients } from './demo-clients.js';
import { findDemoUser } from './demo-users.js';
import { escapeHtml } from './html.js';
import { memoryAdapterFactory } from './memory-adapter.js';
import { decodeLaunch, type LaunchContextStore } from './launch-context.js';
import { generateCookieKeys } from './signing-key.js';
import { introspectionAndRevocation } from './token-endpoint-policies.js';
import {
  OPENID_AND_LAUNCH_SCOPES,
  grantableResourceScopes,
  resourceScopeContext,
  splitScopes,
} from './smart-scopes.js';

export const TOKEN_LIFETIMES = Object.freeze({
  AccessToken: 3600,
  // SMART Backend Services recommends backend access tokens live no more than five minutes.
  ClientCredentials: 300,
  AuthorizationCode: 60,
  IdToken: 3600,
  RefreshToken: 24 * 3600,
  Interaction: 600,
  Session: 8 * 3600,
  Grant: 24 * 3600,
});

export interface SandboxSettings {
  /** Where the sandbox is mounted, e.g. /sandbox/auth; its pages link below it. */
  readonly mountPath: string;
  /** PeerBridge's FHIR API, `{PUBLIC_BASE_URL}/fhir`: the resource server tokens are for by default. */
  readonly fhirBaseUrl: string;
  /**
   * The sandbox EHR's FHIR API, `{PUBLIC_BASE_URL}/sandbox/ehr/fhir`: the other resource server,
   * with its own audience, so a token for one is refused by the other.
   */
  readonly ehrFhirBaseUrl: string;
  readonly launchContexts: LaunchContextStore;
  /** The key access tokens are signed with; the sandbox EHR verifies them with its public half. */
  readonly signingKey: JWK;
  /** Backend clients besides the demo ones (PeerBridge's EHR connections), with their audience. */
  readonly backendClients: readonly SandboxBackendClient[];
}

/**
 * A SMART Backend Services client registered with its public keys. Such a client sends no
 * `resource` parameter (the specification has none), so its tokens are for `resource`.
 */
export interface SandboxBackendClient {
  readonly clientId: string;
  readonly publicJwks: readonly Record<string, unknown>[];
  readonly resource: string;
}

function isBackendService(client: { grantTypes?: readonly string[] | undefined }): boolean {
  return client.grantTypes?.includes('client_credentials') ?? false;
}

/** oidc-provider settings for a SMART authorization server in front of PeerBridge's FHIR API. */
export function providerConfiguration(settings: SandboxSettings): Configuration {
  const { fhirBaseUrl, launchContexts } = settings;
  const resourceServers = new Set([fhirBaseUrl, settings.ehrFhirBaseUrl]);
  const backendResources = new Map(
    settings.backendClients.map((client) => [client.clientId, client.resource]),
  );
  return {
    adapter: memoryAdapterFactory(),
    clients: [...demoClients(), ...settings.backendClients.map(backendClientMetadata)],
    // The authorization code flow only: SMART App Launch uses no other, and the demo app is
    // registered for `code` alone, so discovery must not offer implicit or hybrid responses.
    responseTypes: ['code'],
    clientBasedCORS: loopbackAppOrigins,
    clientAuthMethods: ['private_key_jwt', 'none', 'client_secret_basic'],
    enabledJWA: { clientAuthSigningAlgValues: [...CLIENT_ASSERTION_ALGORITHMS] },
    assertJwtClientAuthClaimsAndHeader: assertSmartClientAssertion,
    jwks: { keys: [settings.signingKey] },
    cookies: { keys: generateCookieKeys() },
    ttl: { ...TOKEN_LIFETIMES },
    scopes: [...OPENID_AND_LAUNCH_SCOPES],
    claims: { openid: ['sub'], fhirUser: ['fhirUser'], profile: ['name'] },
    // SMART apps read fhirUser from the ID token of the code flow.
    conformIdTokenClaims: false,
    // PKCE for every authorization request; oidc-provider accepts only S256, never plain.
    pkce: { required: () => true },
    // Only the grant this very authorization's sign-in page made, never an earlier one from the
    // browser session: each launch passes the page and records its own launch context.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    extraParams: {
      aud: (_ctx, value) => {
        if (value === undefined || !resourceServers.has(value)) {
          throw new errors.InvalidRequest(`aud must be the FHIR base URL ${fhirBaseUrl}`);
        }
      },
      launch: (ctx, value) => {
        const launchScope = splitScopes(ctx.oidc.params?.scope as string | undefined).includes('launch');
        if (value === undefined) {
          if (launchScope) {
            throw new errors.InvalidRequest('the launch scope needs the launch parameter of an EHR launch');
          }
          return;
        }
        if (decodeLaunch(value) === undefined) {
          throw new errors.InvalidRequest('launch is not a launch this EHR issued');
        }
      },
    },
    interactions: {
      url: (_ctx, interaction) => `${settings.mountPath}/interaction/${interaction.uid}`,
    },
    findAccount: (_ctx, sub) => {
      const user = findDemoUser(sub);
      if (!user) {
        return undefined;
      }
      return {
        accountId: user.id,
        claims: () => ({ sub: user.id, fhirUser: user.fhirUser, name: user.label }),
      };
    },
    extraTokenClaims: (_ctx, token) => {
      if (token.kind !== 'AccessToken') {
        return undefined;
      }
      const user = token.accountId ? findDemoUser(token.accountId) : undefined;
      return { ...(user ? { fhirUser: user.fhirUser } : {}), ...launchContexts.get(token.grantId) };
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      ...introspectionAndRevocation(SANDBOX_INTROSPECTION_CLIENT.clientId),
      resourceIndicators: {
        enabled: true,
        // A registered backend's own resource server; for apps the `aud` they ask for.
        defaultResource: (ctx, client) => {
          const aud = ctx.oidc.params?.aud;
          return (
            (client && backendResources.get(client.clientId)) ??
            (typeof aud === 'string' && resourceServers.has(aud) ? aud : fhirBaseUrl)
          );
        },
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, indicator, client) => {
          if (!resourceServers.has(indicator)) {
            throw new errors.InvalidTarget(
              `the resource servers here are ${[...resourceServers].join(' and ')}`,
            );
          }
          refuseScopesOfAnotherContext(ctx, isBackendService(client));
          return {
            scope: resourceServerScope(ctx, indicator, isBackendService(client)),
            audience: indicator,
            accessTokenFormat: 'jwt',
            accessTokenTTL: isBackendService(client)
              ? TOKEN_LIFETIMES.ClientCredentials
              : TOKEN_LIFETIMES.AccessToken,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>Sandbox sign-in error</title><h1>${escapeHtml(out.error)}</h1><p>${escapeHtml(
        out.error_description ?? '',
      )}</p>`;
    },
  };
}

function backendClientMetadata(client: SandboxBackendClient): ClientMetadata {
  return {
    client_id: client.clientId,
    client_name: `EHR connection client ${client.clientId}`,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: { keys: [...client.publicJwks] } as ClientMetadata['jwks'],
  };
}

/**
 * Which browser origins may call the token endpoint for a client: a public client's own redirect
 * origins, any port of them for a native client's loopback redirects (RFC 8252 section 7.3: the
 * port is chosen when the app starts, and oidc-provider ignores it when matching redirect URIs).
 */
function loopbackAppOrigins(_ctx: KoaContextWithOIDC, origin: string, client: Client): boolean {
  if (client.clientAuthMethod !== 'none') {
    return false;
  }
  const requested = URL.parse(origin);
  return (client.redirectUris ?? []).some((uri) => {
    const registered = URL.parse(uri);
    if (!registered || !requested) {
      return false;
    }
    const anyPort = client.applicationType === 'native' && LOOPBACK_HOSTS.has(registered.hostname);
    return anyPort
      ? requested.protocol === registered.protocol && requested.hostname === registered.hostname
      : requested.origin === registered.origin;
  });
}

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * oidc-provider issues only the scopes a resource server lists, and SMART scopes are open-ended
 * (`patient/Observation.rs?category=…`), so the list is built per request: the SMART scopes this
 * request (or the grant it redeems) names that this kind of client may hold. For apps it also
 * lists the OpenID and launch scopes, so the token response's `scope` says everything granted, as
 * SMART App Launch expects.
 */
function resourceServerScope(ctx: KoaContextWithOIDC, fhirBaseUrl: string, backend: boolean): string {
  const requested = splitScopes(
    ctx.oidc.params?.scope as string | undefined,
    ctx.oidc.entities.Grant?.resources?.[fhirBaseUrl],
  );
  const openid = backend ? [] : requested.filter((scope) => OPENID_SCOPES.has(scope));
  return [...new Set([...openid, ...grantableResourceScopes(requested, backend)])].join(' ');
}

const OPENID_SCOPES: ReadonlySet<string> = new Set(OPENID_AND_LAUNCH_SCOPES);

/** A backend asking for patient data, or an app for system-wide access, is told so, not silently trimmed. */
function refuseScopesOfAnotherContext(ctx: KoaContextWithOIDC, backend: boolean): void {
  const requested = splitScopes(ctx.oidc.params?.scope as string | undefined);
  const grantable = new Set(grantableResourceScopes(requested, backend));
  const refused = requested.find(
    (scope) => resourceScopeContext(scope) !== undefined && !grantable.has(scope),
  );
  if (refused) {
    throw new errors.InvalidScope(
      backend
        ? 'backend services may only request system/ scopes'
        : 'apps may only request patient/ and user/ scopes',
      refused,
    );
  }
}
