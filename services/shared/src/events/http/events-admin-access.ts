import type { RequestHandler } from 'express';
import { insufficientScope } from '../../auth/auth-errors.js';
import { requireAuth } from '../../auth/require-permission.js';
import type { ScopeAction } from '../../auth/scopes.js';

/**
 * The events admin API is for whoever runs the program: a backend service (`system/`) or a
 * coordinator (`user/`) whose token reaches every resource type (`*`). A patient-level token, or
 * one limited to some types, is refused whatever else it may do.
 */
export function requireEventsAdmin(action: ScopeAction): RequestHandler {
  return (_req, res, next) => {
    const auth = requireAuth(res);
    const admin = auth
      .grants('*', action)
      .some((scope) => scope.resourceType === '*' && scope.context !== 'patient');
    if (!admin) {
      throw insufficientScope(
        `The events admin API needs system/*.${action} or a coordinator's user/*.${action}`,
      );
    }
    next();
  };
}
