import express, { type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import Provider, { type JWK } from 'oidc-provider';
import type { Config, Logger } from '@peerbridge/shared';
import { interactionRoutes } from './interaction-routes.js';
import { LaunchContextStore } from './launch-context.js';
import { offlineAccessPromptsConsent } from './offline-access.js';
import { SANDBOX_MOUNT_PATH, sandboxIssuer } from './sandbox-issuer.js';
import {
  TOKEN_LIFETIMES,
  providerConfiguration,
  type SandboxBackendClient,
  type SandboxSettings,
} from './provider-configuration.js';
import { generateSigningKey } from './signing-key.js';
import { sandboxEhrBaseUrl } from './sandbox-issuer.js';
import { launchContextInTokenResponse } from './token-response.js';

export { SANDBOX_MOUNT_PATH, sandboxIssuer };

/**
 * The development SMART authorization server: oidc-provider (an OpenID-certified library) set up
 * for SMART App Launch and Backend Services, with demo users and clients, as an Express router
 * to mount at SANDBOX_MOUNT_PATH. State (grants, codes, tokens, replay cache) lives in
 * oidc-provider's in-memory adapter and its signing key is made at start-up: a restart forgets
 * everything, which is what a development sandbox wants.
 */
export function createSandboxAuthServer(
  config: Config,
  logger: Logger,
  options: { signingKey?: JWK; backendClients?: readonly SandboxBackendClient[] } = {},
): Router {
  const settings: SandboxSettings = {
    mountPath: SANDBOX_MOUNT_PATH,
    fhirBaseUrl: `${config.publicBaseUrl}/fhir`,
    ehrFhirBaseUrl: sandboxEhrBaseUrl(config),
    launchContexts: new LaunchContextStore(TOKEN_LIFETIMES.Grant),
    signingKey: options.signingKey ?? generateSigningKey(),
    backendClients: options.backendClients ?? [],
  };
  const provider = new Provider(sandboxIssuer(config), providerConfiguration(settings));
  provider.proxy = true;
  provider.use(offlineAccessPromptsConsent());
  provider.use(launchContextInTokenResponse(settings.launchContexts));
  logProviderErrors(provider, logger);

  const router = express.Router();
  router.use(pinPublicOrigin(config.publicBaseUrl));
  // The sign-in form posts here and is then redirected to the app's own origin: browsers would
  // block that under helmet's default `form-action 'self'`.
  router.use(helmet({ contentSecurityPolicy: { directives: { formAction: null } } }));
  router.use(interactionRoutes(provider, settings));
  router.use(provider.callback() as RequestHandler);
  return router;
}

/**
 * oidc-provider builds its endpoint URLs (discovery, the token URL client assertions must name
 * as `aud`) from the request's host and protocol, while the issuer comes from PUBLIC_BASE_URL.
 * Setting the forwarded headers from the configuration, not from the caller, keeps every URL on
 * the same origin as the issuer, behind a proxy or not.
 */
function pinPublicOrigin(publicBaseUrl: string): RequestHandler {
  const { protocol, host } = new URL(publicBaseUrl);
  return (req, _res, next) => {
    req.headers['x-forwarded-proto'] = protocol.slice(0, -1);
    req.headers['x-forwarded-host'] = host;
    next();
  };
}

/** Failures are logged by their OAuth error code and description; never a token or a body. */
function logProviderErrors(provider: Provider, logger: Logger): void {
  provider.on('server_error', (_ctx, error: Error) => {
    logger.error('sandbox authorization server error', {
      error: { name: error.name, message: error.message, stack: error.stack },
    });
  });
  const refused =
    (event: string) =>
    (_ctx: unknown, error: { error?: string; error_description?: string; error_detail?: string }) => {
      logger.warn('sandbox authorization request refused', {
        event,
        error: error.error,
        description: error.error_description,
        // Why a client assertion failed, e.g. a replayed jti; oidc-provider keeps it from the client.
        detail: error.error_detail,
      });
    };
  provider.on('grant.error', refused('grant.error'));
  provider.on('authorization.error', refused('authorization.error'));
  provider.on('introspection.error', refused('introspection.error'));
  provider.on('revocation.error', refused('revocation.error'));
}
