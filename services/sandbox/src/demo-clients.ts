import type { ClientMetadata } from 'oidc-provider';
import { DEMO_BACKEND_PUBLIC_JWKS } from './demo-backend-keys.js';

/** A SMART Backend Services client (client_credentials, private_key_jwt, `system/` scopes). */
export const DEMO_BACKEND_CLIENT_ID = 'peerbridge-demo-backend';

/**
 * A public SMART app (authorization code + PKCE, EHR or standalone launch). It is registered as
 * a native app in OAuth's sense (RFC 8252): `npm run token`, or a browser app served from this
 * machine, receives the code at a loopback address whose port may be any.
 */
export const DEMO_APP_CLIENT_ID = 'peerbridge-demo-app';

/**
 * Where the demo app receives its authorization code; nothing needs to listen there. The same
 * path on another port, or on 127.0.0.1 or [::1], is accepted too.
 */
export const DEMO_APP_REDIRECT_URI = 'http://localhost:9999/callback';
const DEMO_APP_REDIRECT_URIS = [
  DEMO_APP_REDIRECT_URI,
  'http://127.0.0.1:9999/callback',
  'http://[::1]:9999/callback',
];

/**
 * DEV-ONLY FIXTURE: the client a resource server uses at the sandbox's RFC 7662 introspection
 * endpoint (client_secret_basic). The secret is published because the sandbox never runs in
 * production.
 */
export const SANDBOX_INTROSPECTION_CLIENT = Object.freeze({
  clientId: 'peerbridge-resource-server',
  clientSecret: 'sandbox-introspection-secret-dev-only',
});

/** Client authentication algorithms SMART Backend Services names. */
export const CLIENT_ASSERTION_ALGORITHMS = ['RS384', 'ES384'] as const;

export function demoClients(): ClientMetadata[] {
  return [
    {
      client_id: DEMO_BACKEND_CLIENT_ID,
      client_name: 'PeerBridge demo backend service',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: DEMO_BACKEND_PUBLIC_JWKS as ClientMetadata['jwks'],
    },
    {
      client_id: DEMO_APP_CLIENT_ID,
      client_name: 'PeerBridge demo SMART app',
      application_type: 'native',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: DEMO_APP_REDIRECT_URIS,
      token_endpoint_auth_method: 'none',
    },
    {
      client_id: SANDBOX_INTROSPECTION_CLIENT.clientId,
      client_secret: SANDBOX_INTROSPECTION_CLIENT.clientSecret,
      client_name: 'PeerBridge resource server (introspection only)',
      grant_types: [],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ];
}
