import { randomBytes } from 'node:crypto';
import { introspectionAndRevocation } from '@peerbridge/sandbox';
import Provider, { type AdapterFactory, type ClientMetadata, type JWK } from 'oidc-provider';

export interface OAuthClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** The clients registered at a test issuer; secrets are made per issuer. */
export interface TestIssuerClients {
  /** The resource server: PeerBridge introspects opaque tokens with it (client_secret_basic). */
  readonly introspection: OAuthClient;
  /** Backend services that obtain opaque access tokens, by how many seconds their tokens live. */
  readonly tokens: ReadonlyMap<number, OAuthClient>;
}

/** Seconds an opaque access token lives unless a test asks for a short-lived one. */
export const OPAQUE_TOKEN_LIFETIME = 300;

/**
 * Token lifetimes the tests need. oidc-provider sets a token's lifetime on the server, not on
 * request, so each lifetime has a client of its own, as a real issuer's per-client settings do.
 */
const TOKEN_LIFETIMES = [OPAQUE_TOKEN_LIFETIME, 2];

export function createTestIssuerClients(): TestIssuerClients {
  const secret = () => randomBytes(16).toString('hex');
  return {
    introspection: { clientId: 'peerbridge-resource-server', clientSecret: secret() },
    tokens: new Map(
      TOKEN_LIFETIMES.map((seconds) => [
        seconds,
        { clientId: `backend-${seconds}s`, clientSecret: secret() },
      ]),
    ),
  };
}

export interface TestProviderSettings {
  readonly issuer: string;
  /** Private JWKs: oidc-provider publishes their public halves at its jwks endpoint. */
  readonly keys: readonly JWK[];
  readonly clients: TestIssuerClients;
  /** Kept across rebuilds, so tokens issued before a key rotation stay known. */
  readonly adapter: AdapterFactory;
}

/**
 * An oidc-provider instance for PeerBridge's resource-server tests: discovery, JWKS, a
 * client_credentials grant issuing opaque access tokens, introspection and revocation.
 */
export function createTestProvider(settings: TestProviderSettings): Provider {
  const { clients } = settings;
  const lifetimes = new Map([...clients.tokens].map(([seconds, client]) => [client.clientId, seconds]));
  return new Provider(settings.issuer, {
    adapter: settings.adapter,
    jwks: { keys: [...settings.keys] },
    clients: [
      basicAuthClient(clients.introspection, []),
      ...[...clients.tokens.values()].map((client) => basicAuthClient(client, ['client_credentials'])),
    ],
    ttl: {
      ClientCredentials: (_ctx, _token, client) => lifetimes.get(client.clientId) ?? OPAQUE_TOKEN_LIFETIME,
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      ...introspectionAndRevocation(clients.introspection.clientId),
      // SMART scopes are not OpenID scopes, so oidc-provider grants them only in a token for a
      // resource server (RFC 8707 `resource`). Tests ask for other servers' tokens too, so any
      // resource named is one, and which scopes a token may hold is left to PeerBridge.
      resourceIndicators: {
        enabled: true,
        getResourceServerInfo: (ctx, indicator) => ({
          scope: String(ctx.oidc.params?.scope ?? ''),
          audience: indicator,
          accessTokenFormat: 'opaque',
        }),
      },
    },
  });
}

function basicAuthClient(client: OAuthClient, grantTypes: string[]): ClientMetadata {
  return {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    grant_types: grantTypes,
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}
