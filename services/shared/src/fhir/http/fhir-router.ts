import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { badRequest, methodNotAllowed, outcome } from '../../errors/operation-outcome-error.js';
import type { Queryable } from '../../db/database.js';
import type { Repositories } from '../../access/repositories.js';
import type { Repository } from '../../access/repository.js';
import { assertPermitted, requireAuth } from '../../auth/require-permission.js';
import type { ScopeAction } from '../../auth/scopes.js';
import type { Interaction, ResourceDefinition } from '../resource-definition.js';
import { MAX_PAGE_SIZE, parseSearchRequest } from '../search/search-request.js';
import type { ResourceValidator } from '../validation/resource-validator.js';
import { historyBundle, searchsetBundle } from './bundles.js';
import { fhirMediaTypes, sendFhir, versionHeaders, versionUrl } from './media-type.js';
import { preferences } from './prefer.js';
import { queryPairs } from './query-pairs.js';

/**
 * Writes of one resource type that a service handles itself (for example, a referral that must
 * create its Task in the same transaction). Without an entry the caller's repository is used
 * directly. Each gets the caller's repository, through which it makes every read and write.
 */
export interface WriteHandlers {
  /**
   * q is the transaction to write in when the create is conditional. A handler that stored the
   * resource with reservations (a QuestionnaireResponse it could not score) returns them as
   * `issues`: warnings the client gets with `Prefer: return=OperationOutcome`.
   */
  create?(
    resource: Resource,
    repo: Repository,
    q: Queryable | undefined,
  ): Promise<Resource | CreatedWithIssues>;
  update?(
    resource: Resource & { id: string },
    expectedVersion: number | undefined,
    repo: Repository,
  ): Promise<Resource>;
  delete?(type: Resource['resourceType'], id: string, repo: Repository): Promise<void>;
}

export interface CreatedWithIssues {
  readonly resource: Resource;
  readonly issues: readonly OperationOutcomeIssue[];
}

export interface FhirRouterOptions {
  readonly baseUrl: string;
  readonly definitions: readonly ResourceDefinition[];
  readonly repositories: Repositories;
  readonly validator: ResourceValidator;
  readonly writeHandlers?: ReadonlyMap<string, WriteHandlers>;
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const HISTORY_PAGE_SIZE = 100;

/**
 * The FHIR REST interactions for a service's resource types. Routes are registered from the
 * same ResourceDefinition rows the CapabilityStatement is generated from; a method a type does
 * not declare answers 405.
 */
export function fhirRouter(options: FhirRouterOptions): Router {
  const { baseUrl, repositories, validator } = options;
  const router = Router();

  for (const definition of options.definitions) {
    const type = definition.type as Resource['resourceType'];
    const supports = (interaction: Interaction) => definition.interactions.includes(interaction);
    const writes = options.writeHandlers?.get(type) ?? {};
    const routes: Record<string, Partial<Record<'get' | 'post' | 'put' | 'delete', RequestHandler>>> = {};
    const typePath = `/fhir/${type}`;
    const instancePath = `${typePath}/:id`;

    const validated = (req: Request, id?: string): Resource => {
      const resource = requireResource(req.body, type, id);
      validator.validate(resource, definition.profile);
      return resource;
    };

    // Every handler works through the caller's repository, which checks the SMART permission
    // each interaction needs (read, vread and history: r; search: s; create: c; update: u;
    // delete: d) and the patient compartment before the store is touched.
    // The permission is asked for first, so a caller without it learns nothing from parsing or
    // validation errors.
    const repo = (res: Response, action: ScopeAction): Repository => {
      const caller = requireAuth(res);
      assertPermitted(caller, type, action);
      return repositories.forCaller(caller);
    };

    const search: RequestHandler = async (req, res) => {
      const caller = repo(res, 's');
      const query = queryPairs(req);
      const request = parseSearchRequest(definition, query, { strict: preferences(req).strict });
      const result = await caller.search(request);
      sendFhir(res, 200, searchsetBundle(baseUrl, request, query, result));
    };

    if (supports('search-type')) {
      routes[typePath] = { ...routes[typePath], get: search };
      routes[`${typePath}/_search`] = { post: search };
    }
    if (supports('create')) {
      routes[typePath] = {
        ...routes[typePath],
        post: async (req, res) => {
          const caller = repo(res, 'c');
          const resource = validated(req);
          let issues: readonly OperationOutcomeIssue[] = [];
          const create = async (q: Queryable | undefined): Promise<Resource> => {
            if (!writes.create) {
              return caller.create(resource, { q });
            }
            const created = await writes.create(resource, caller, q);
            if (!('resourceType' in created)) {
              issues = created.issues;
              return created.resource;
            }
            return created as Resource;
          };
          const ifNoneExist = req.get('if-none-exist');
          if (ifNoneExist !== undefined) {
            const criteria = [...new URLSearchParams(ifNoneExist.slice(ifNoneExist.indexOf('?') + 1))];
            if (criteria.length === 0) {
              throw badRequest('If-None-Exist must hold search parameters, e.g. identifier=system|value');
            }
            const { created, resource: stored } = await caller.conditionalCreate(
              parseSearchRequest(definition, criteria, { strict: true }),
              resource,
              create,
            );
            return respondWithVersion(req, res, created ? 201 : 200, stored, baseUrl, issues);
          }
          const stored = await create(undefined);
          respondWithVersion(req, res, 201, stored, baseUrl, issues);
        },
      };
    }
    if (supports('read')) {
      routes[instancePath] = {
        get: async (req, res) => {
          const resource = await repo(res, 'r').read(type, instanceId(req, type));
          versionHeaders(res, resource);
          sendFhir(res, 200, resource);
        },
      };
    }
    if (supports('update')) {
      routes[instancePath] = {
        ...routes[instancePath],
        put: async (req, res) => {
          const caller = repo(res, 'u');
          const id = instanceId(req, type);
          const resource = validated(req, id) as Resource & { id: string };
          const expected = ifMatchVersion(req.get('if-match'));
          const stored = await (writes.update
            ? writes.update(resource, expected, caller)
            : caller.update(resource, expected));
          respondWithVersion(req, res, 200, stored, baseUrl);
        },
      };
    }
    if (supports('delete')) {
      routes[instancePath] = {
        ...routes[instancePath],
        delete: async (req, res) => {
          const caller = repo(res, 'd');
          const id = instanceId(req, type);
          await (writes.delete ? writes.delete(type, id, caller) : caller.delete(type, id));
          res.status(204).end();
        },
      };
    }
    if (supports('history-instance')) {
      routes[`${instancePath}/_history`] = {
        get: async (req, res) => {
          const id = instanceId(req, type);
          const count = historyCount(req.query._count);
          const { versions, total } = await repo(res, 'r').history(type, id, count, 0);
          sendFhir(res, 200, historyBundle(baseUrl, type, id, versions, total));
        },
      };
    }
    if (supports('vread')) {
      routes[`${instancePath}/_history/:versionId`] = {
        get: async (req, res) => {
          const resource = await repo(res, 'r').vread(
            type,
            instanceId(req, type),
            String(req.params.versionId),
          );
          versionHeaders(res, resource);
          sendFhir(res, 200, resource);
        },
      };
    }

    // Before the instance routes, so that `_history` is not taken for an id.
    const typeHistoryPath = `${typePath}/_history`;
    router.all(typeHistoryPath, labelRoute(typeHistoryPath), typeHistoryNotSupported(type));
    for (const [path, methods] of Object.entries(routes)) {
      const route = router.route(path);
      route.all(labelRoute(path), fhirMediaTypes);
      for (const [method, handler] of Object.entries(methods)) {
        route[method as keyof typeof methods](handler);
      }
      route.all(notAllowed(Object.keys(methods)));
    }
  }
  return router;
}

function labelRoute(path: string): RequestHandler {
  return (_req, res, next) => {
    res.locals.routeLabel = path;
    next();
  };
}

function notAllowed(methods: string[]): RequestHandler {
  const allow = methods.map((method) => method.toUpperCase()).join(', ');
  return (req, res) => {
    res.setHeader('Allow', allow);
    throw methodNotAllowed(`${req.method} is not supported here; allowed: ${allow}`);
  };
}

/** `<type>/_history`: no resource type here serves its whole history, only each resource's. */
function typeHistoryNotSupported(type: string): RequestHandler {
  return (_req, res) => {
    res.setHeader('Allow', '');
    throw methodNotAllowed(
      `The history-type interaction is not supported; read the history of one ${type} at ${type}/<id>/_history`,
    );
  };
}

function respondWithVersion(
  req: Request,
  res: Response,
  status: number,
  resource: Resource,
  baseUrl: string,
  issues: readonly OperationOutcomeIssue[] = [],
): void {
  versionHeaders(res, resource);
  res.setHeader('Location', versionUrl(resource, baseUrl));
  switch (preferences(req).return) {
    case 'minimal':
      return sendFhir(res, status, undefined);
    case 'OperationOutcome': {
      // FHIR R4 http.html (Prefer): the outcome of the write, its hints and warnings included.
      const saved = outcome('information', 'informational', `${resource.resourceType}/${resource.id} saved`);
      return sendFhir(res, status, { ...saved, issue: [...saved.issue!, ...issues] });
    }
    default:
      return sendFhir(res, status, resource);
  }
}

/** `_count` on `_history`: an integer from 1 to MAX_PAGE_SIZE, HISTORY_PAGE_SIZE when absent. */
function historyCount(value: unknown): number {
  if (value === undefined) {
    return HISTORY_PAGE_SIZE;
  }
  const count = typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : NaN;
  if (!(count >= 1 && count <= MAX_PAGE_SIZE)) {
    throw badRequest(`_count must be an integer from 1 to ${MAX_PAGE_SIZE}`, '_count');
  }
  return count;
}

function instanceId(req: Request, type: string): string {
  const id = String(req.params.id);
  if (!ID.test(id)) {
    throw badRequest(`"${id}" is not a valid ${type} id`, 'id');
  }
  return id;
}

function requireResource(body: unknown, type: string, urlId: string | undefined): Resource {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The body must be a JSON object holding one FHIR resource');
  }
  const resource = body as Record<string, unknown>;
  if (resource.resourceType !== type) {
    throw badRequest(`resourceType must be ${type}`, 'resourceType');
  }
  if (urlId !== undefined && resource.id !== urlId) {
    throw badRequest(`The body's id must equal the id in the URL (${urlId})`, `${type}.id`);
  }
  if (urlId === undefined) {
    // On create the server assigns the id and the version; anything the client sent is ignored.
    delete resource.id;
  }
  return resource as unknown as Resource;
}

/** `If-Match: W/"3"` names version 3; anything else is a malformed request, not a failed precondition. */
function ifMatchVersion(header: string | undefined): number | undefined {
  if (header === undefined) {
    return undefined;
  }
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(header.trim());
  if (!match) {
    throw badRequest(`If-Match must name a version as W/"n"`);
  }
  return Number(match[1]);
}
