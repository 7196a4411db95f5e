import { splitScopes } from '@peerbridge/shared';
import type Provider from 'oidc-provider';

type ProviderMiddleware = Parameters<Provider['use']>[0];

/**
 * OpenID Connect grants `offline_access` (a refresh token) only with `prompt=consent`, which
 * SMART apps do not send. The sandbox shows its sign-in and consent page for every authorization
 * anyway (see loadExistingGrant), so this says so: a request for offline_access that does not ask
 * for `prompt=none` is marked as prompting for consent.
 */
export function offlineAccessPromptsConsent(): ProviderMiddleware {
  return async (ctx, next) => {
    if (ctx.path === '/auth' && ctx.method === 'GET') {
      const { scope, prompt } = ctx.query;
      const prompts = typeof prompt === 'string' ? prompt.split(' ').filter(Boolean) : [];
      if (
        typeof scope === 'string' &&
        splitScopes(scope).includes('offline_access') &&
        !prompts.includes('none')
      ) {
        ctx.query = { ...ctx.query, prompt: [...new Set([...prompts, 'consent'])].join(' ') };
      }
    }
    await next();
  };
}
