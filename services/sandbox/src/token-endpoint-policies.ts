import type { Configuration } from 'oidc-provider';

type Features = NonNullable<Configuration['features']>;

/**
 * Who may introspect and revoke which token at an oidc-provider issuer in front of PeerBridge:
 * the resource server may introspect any token, any other client only its own (oidc-provider's
 * default lets every confidential client introspect every token), and a client may revoke only
 * its own tokens.
 */
export function introspectionAndRevocation(resourceServerClientId: string) {
  return {
    introspection: {
      enabled: true,
      allowedPolicy: (ctx, client, token) =>
        client.clientId === resourceServerClientId || token.clientId === ctx.oidc.client?.clientId,
    },
    revocation: {
      enabled: true,
      allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
    },
  } satisfies Features;
}
