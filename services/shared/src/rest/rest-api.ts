import { Router } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { ProgramAdministrators } from '../access/program-administrators.js';
import { requirePermission } from '../auth/require-permission.js';
import { parseScope, type ScopeAction, type ScopeContext } from '../auth/scopes.js';
import { apiDocs } from './api-docs.js';
import type { OpenApiDocument } from './openapi-document.js';
import { contractOperations, type ContractOperation } from './contract-operations.js';
import { openApiValidationErrors } from './validation-errors.js';

/**
 * The SMART permission an operation needs: an action on a resource type (`ServiceRequest`, `c`),
 * or on every type (`*`) for program administration, optionally only from scopes of the given
 * contexts (`system`, `user`: no patient's token administers the program).
 */
export interface ResourcePermission {
  readonly resourceType: string;
  readonly action: ScopeAction;
  readonly contexts?: readonly ScopeContext[];
  /** Program administration: the scopes are not enough, the caller must be one of its administrators. */
  readonly administration?: true;
}

/**
 * Whoever runs the program administers it (its events, its EHR connections): a backend service
 * (`system/*`) or a coordinator (`user/*`, and on the roster: ProgramAdministrators) whose token
 * reaches every resource type. A patient-level token, or one limited to some types, is refused
 * whatever else it may do.
 */
export const programAdministration = (action: ScopeAction): ResourcePermission => ({
  resourceType: '*',
  action,
  contexts: ['system', 'user'],
  administration: true,
});

export interface RestApiOptions {
  /** The service's contract (loadOpenApiDocument); the API serves exactly its operations. */
  readonly document: OpenApiDocument;
  /** The permission each operation needs, by operationId; every operation must have one. */
  readonly permissions: Readonly<Record<string, ResourcePermission>>;
  /** Who may call the operations of `programAdministration`; required when there are any. */
  readonly administrators?: ProgramAdministrators;
  /** Adds the handlers (`router.post('/referrals', …)`); they see only permitted, valid requests. */
  readonly routes: (router: Router) => void;
}

/**
 * A service's REST API, to mount at its base path (`/api/<service>`): the contract at
 * `openapi.json` and `docs`, then for every request the operation's SMART permission (before
 * the body is looked at, so a caller without it learns nothing about the API), validation
 * against the contract (undocumented routes answer 404/405), the handlers, and validation errors
 * as OperationOutcomes naming the field. Start-up fails if an operation has no permission, if
 * its `security` does not name a scope granting that permission, or if it does not document the
 * 401 and 403 it can answer: a route added to the contract cannot go unprotected or undocumented.
 */
export function restApi(options: RestApiOptions): Router {
  const { document, permissions } = options;
  const operations = contractOperations(document);
  assertPermissionsMatch(operations, permissions);
  const router = Router();
  router.use(apiDocs(document));
  for (const operation of operations) {
    const { resourceType, action, contexts, administration } = permissions[operation.operationId]!;
    router[operation.method](operation.expressPath, requirePermission(resourceType, action, contexts));
    if (administration) {
      if (!options.administrators) {
        throw new Error(
          `${operation.operationId} is program administration: the API needs its administrators`,
        );
      }
      router[operation.method](operation.expressPath, options.administrators.require(action));
    }
  }
  router.use(
    OpenApiValidator.middleware({
      // Its own copy: the validator annotates the document it is given, and the docs serve this one.
      apiSpec: structuredClone(document) as never,
      validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false },
      validateResponses: false,
      // Tokens are verified by the shared SMART middleware in front of every route and scopes by
      // requirePermission above; the validator has no token to check.
      validateSecurity: false,
      ignoreUndocumented: false,
    }),
  );
  options.routes(router);
  router.use(openApiValidationErrors);
  return router;
}

function assertPermissionsMatch(
  operations: readonly ContractOperation[],
  permissions: Readonly<Record<string, ResourcePermission>>,
): void {
  const problems: string[] = [];
  for (const operation of operations) {
    const { operationId } = operation;
    const permission = permissions[operationId];
    if (!permission) {
      problems.push(`${operationId} has no permission`);
      continue;
    }
    const granting = operation.scopes.some((raw) => {
      const scope = parseScope(raw);
      return (
        scope !== undefined &&
        (scope.resourceType === '*' || scope.resourceType === permission.resourceType) &&
        (permission.contexts?.includes(scope.context) ?? true) &&
        scope.actions.has(permission.action)
      );
    });
    if (!granting) {
      problems.push(
        `${operationId}'s security names no scope granting ${permission.resourceType}.${permission.action}`,
      );
    }
    for (const status of ['401', '403']) {
      if (!operation.responses.includes(status)) {
        problems.push(`${operationId} does not document its ${status} response`);
      }
    }
  }
  const documented = new Set(operations.map((operation) => operation.operationId));
  for (const operationId of Object.keys(permissions)) {
    if (!documented.has(operationId)) {
      problems.push(`permission for ${operationId}, which the document does not have`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`The REST API does not match its OpenAPI document: ${problems.join('; ')}`);
  }
}
