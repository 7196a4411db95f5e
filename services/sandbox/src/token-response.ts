import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { LaunchContextStore } from './launch-context.js';

type ProviderMiddleware = Parameters<Provider['use']>[0];

/**
 * SMART App Launch returns the launch context (`patient`, `encounter`, `need_patient_banner`)
 * beside the access token. oidc-provider has no setting for extra token response members, so this
 * middleware adds them after a successful token request.
 */
export function launchContextInTokenResponse(launchContexts: LaunchContextStore): ProviderMiddleware {
  return async (koaCtx, next) => {
    await next();
    const ctx = koaCtx as unknown as KoaContextWithOIDC;
    if (
      ctx.oidc?.route !== 'token' ||
      ctx.status !== 200 ||
      typeof ctx.body !== 'object' ||
      ctx.body === null
    ) {
      return;
    }
    const context = launchContexts.get(ctx.oidc.entities.AccessToken?.grantId);
    if (context) {
      ctx.body = { ...context, ...(ctx.body as Record<string, unknown>) };
    }
  };
}
