import type { RequestHandler } from 'express';
import type { AuthContext } from '../auth/auth-context.js';
import { requireAuth } from '../auth/require-permission.js';
import type { ScopeAction } from '../auth/scopes.js';
import type { Queryable } from '../db/database.js';
import { forbidden } from '../errors/operation-outcome-error.js';
import { isActiveCoordinator } from '../events/program-coordinators.js';
import { ownPractitionerId } from './audience.js';

/**
 * Who administers the program (its events' dead letters, its EHR connections), which holds PHI
 * of every patient: a backend service (`system/` scopes), or a user whose `fhirUser` is an
 * active coordinator on the roster. A user-level token that reaches every type is not enough on
 * its own: an authorization server may give one to a clinician, who must not replay the
 * program's dead letters. The roster is the service's copy kept from the care-team service's
 * events (events/program-coordinators.ts), so a service run alone decides by itself.
 */
export class ProgramAdministrators {
  constructor(
    private readonly db: Queryable,
    private readonly schema: string,
    private readonly baseUrl: string,
  ) {}

  /** 403 (no scope would help, so no insufficient_scope challenge) unless the caller may. */
  async assert(caller: AuthContext, action: ScopeAction): Promise<void> {
    if (caller.grants('*', action).some((scope) => scope.context === 'system')) {
      return;
    }
    const practitionerId = ownPractitionerId(caller.fhirUser, this.baseUrl);
    if (practitionerId && (await isActiveCoordinator(this.db, this.schema, practitionerId))) {
      return;
    }
    throw forbidden('Only a backend service or an active program coordinator may administer the program');
  }

  /** The route guard, after the operation's scopes have been checked. */
  require(action: ScopeAction): RequestHandler {
    return (_req, res, next) => {
      this.assert(requireAuth(res), action).then(() => next(), next);
    };
  }
}
