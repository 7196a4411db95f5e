import type { RequestHandler, Response } from 'express';
import type { AuthContext } from './auth-context.js';
import { insufficientScope, missingToken } from './auth-errors.js';
import type { ScopeAction, ScopeContext } from './scopes.js';

const ACTION_NAMES: Record<ScopeAction, string> = {
  c: 'create',
  r: 'read',
  u: 'update',
  d: 'delete',
  s: 'search',
};

/**
 * The caller's AuthContext. A handler behind the authenticate middleware always has one; if a
 * router is ever mounted without it, this fails closed with 401 instead of serving unchecked.
 */
export function requireAuth(res: Response): AuthContext {
  const auth = res.locals.auth as AuthContext | undefined;
  if (!auth) {
    throw missingToken('This request needs a bearer access token');
  }
  return auth;
}

/**
 * 403 insufficient_scope unless some scope grants the action on the type, and, when `contexts`
 * is given, a scope of one of those contexts (program administration: `system/` or `user/`,
 * never a patient's).
 */
export function assertPermitted(
  auth: AuthContext,
  resourceType: string,
  action: ScopeAction,
  contexts?: readonly ScopeContext[],
): void {
  const granted = contexts
    ? auth.grants(resourceType, action).some((scope) => contexts.includes(scope.context))
    : auth.can(resourceType, action);
  if (!granted) {
    throw insufficientScope(
      `The access token's scopes do not allow ${ACTION_NAMES[action]} on ${resourceType} (needs e.g. user/${resourceType}.${action})`,
    );
  }
}

/**
 * Declares the permission a REST route needs, e.g.
 * `router.post('/referrals', requirePermission('ServiceRequest', 'c'), handler)`.
 * The OpenAPI document should name the same scope in the operation's `security` requirement.
 */
export function requirePermission(
  resourceType: string,
  action: ScopeAction,
  contexts?: readonly ScopeContext[],
): RequestHandler {
  return (_req, res, next) => {
    assertPermitted(requireAuth(res), resourceType, action, contexts);
    next();
  };
}
