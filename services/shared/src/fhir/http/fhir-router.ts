import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Resource } from '@medplum/fhirtypes';
import {
  badRequest,
  methodNotAllowed,
  OperationOutcomeError,
  outcome,
} from '../../errors/operation-outcome-error.js';
import type { Queryable } from '../../db/database.js';
import { ResourceAccess } from '../../auth/resource-access.js';
import type { ScopeAction } from '../../auth/scopes.js';
import type { Interaction, ResourceDefinition } from '../resource-definition.js';
import { parseSearchRequest } from '../search/search-request.js';
import type { ResourceStore } from '../store/resource-store.js';
import type { ResourceValidator } from '../validation/resource-validator.js';
import { historyBundle, searchsetBundle } from './bundles.js';
import { fhirMediaTypes, sendFhir, versionHeaders, versionUrl } from './media-type.js';
import { preferences } from './prefer.js';
import { queryPairs } from './query-pairs.js';

/**
 * Writes of one resource type that a service handles itself (for example, a referral that must
 * create its Task in the same transaction). Without an entry the store is used directly.
 */
export interface WriteHandlers {
  /**
   * q is the transaction to write in when the create is conditional. locals is the request's
   * res.locals, where a handler finds who is writing (the auth context) to record it.
   */
  create?(resource: Resource, q: Queryable | undefined, locals: RequestLocals): Promise<Resource>;
  update?(
    resource: Resource & { id: string },
    expectedVersion: number | undefined,
    locals: RequestLocals,
  ): Promise<Resource>;
  delete?(id: string, locals: RequestLocals): Promise<void>;
}

export type RequestLocals = Readonly<Record<string, unknown>>;

export interface FhirRouterOptions {
  readonly baseUrl: string;
  readonly definitions: readonly ResourceDefinition[];
  readonly store: ResourceStore;
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
  const { baseUrl, store, validator } = options;
  const router = Router();
  const includable = new Map(options.definitions.map((definition) => [definition.type, definition]));

  for (const definition of options.definitions) {
    const { type } = definition;
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

    // Each handler first asks for the SMART permission its interaction needs (read, vread and
    // history: r; search: s; create: c; update: u; delete: d) before touching the store.
    const access = (res: Response, action: ScopeAction) =>
      ResourceAccess.of(res, definition, action, baseUrl);

    const search: RequestHandler = async (req, res) => {
      const allowed = access(res, 's');
      const query = queryPairs(req);
      const request = allowed.restrictSearch(
        parseSearchRequest(definition, query, { strict: preferences(req).strict }),
        includable,
      );
      const result = await store.search(request);
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
          const allowed = access(res, 'c');
          const resource = validated(req);
          allowed.assertWritable(resource);
          const ifNoneExist = req.get('if-none-exist');
          if (ifNoneExist !== undefined) {
            const criteria = [...new URLSearchParams(ifNoneExist.slice(ifNoneExist.indexOf('?') + 1))];
            if (criteria.length === 0) {
              throw badRequest('If-None-Exist must hold search parameters, e.g. identifier=system|value');
            }
            const { created, resource: stored } = await store.conditionalCreate(
              allowed.restrictSearch(parseSearchRequest(definition, criteria, { strict: true }), includable),
              (tx) => (writes.create ? writes.create(resource, tx, res.locals) : store.create(resource, tx)),
            );
            return respondWithVersion(req, res, created ? 201 : 200, stored, baseUrl);
          }
          const stored = await (writes.create
            ? writes.create(resource, undefined, res.locals)
            : store.create(resource));
          respondWithVersion(req, res, 201, stored, baseUrl);
        },
      };
    }
    if (supports('read')) {
      routes[instancePath] = {
        get: async (req, res) => {
          const allowed = access(res, 'r');
          const resource = await store.read(type, instanceId(req, type));
          allowed.assertReadable(resource);
          versionHeaders(res, resource);
          sendFhir(res, 200, resource);
        },
      };
    }
    if (supports('update')) {
      routes[instancePath] = {
        ...routes[instancePath],
        put: async (req, res) => {
          const allowed = access(res, 'u');
          const id = instanceId(req, type);
          const resource = validated(req, id) as Resource & { id: string };
          if (allowed.restriction) {
            allowed.assertWritable(await store.read(type, id));
            allowed.assertWritable(resource);
          }
          const expected = ifMatchVersion(req.get('if-match'));
          const stored = await (writes.update
            ? writes.update(resource, expected, res.locals)
            : store.update(resource, expected));
          respondWithVersion(req, res, 200, stored, baseUrl);
        },
      };
    }
    if (supports('delete')) {
      routes[instancePath] = {
        ...routes[instancePath],
        delete: async (req, res) => {
          const allowed = access(res, 'd');
          const id = instanceId(req, type);
          if (allowed.restriction) {
            const current = await store.read(type, id).catch(alreadyDeleted);
            if (current) {
              allowed.assertWritable(current);
            }
          }
          await (writes.delete ? writes.delete(id, res.locals) : store.delete(type, id));
          res.status(204).end();
        },
      };
    }
    if (supports('history-instance')) {
      routes[`${instancePath}/_history`] = {
        get: async (req, res) => {
          const allowed = access(res, 'r');
          const id = instanceId(req, type);
          const count = Math.min(Number(req.query._count) || HISTORY_PAGE_SIZE, 1000);
          const [versions, total] = await Promise.all([
            store.history(type, id, count, 0),
            store.countVersions(type, id),
          ]);
          for (const version of versions) {
            if (version.resource) {
              allowed.assertReadable(version.resource);
            }
          }
          sendFhir(res, 200, historyBundle(baseUrl, type, id, versions, total));
        },
      };
    }
    if (supports('vread')) {
      routes[`${instancePath}/_history/:versionId`] = {
        get: async (req, res) => {
          const allowed = access(res, 'r');
          const resource = await store.vread(type, instanceId(req, type), String(req.params.versionId));
          allowed.assertReadable(resource);
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

/** Deleting a deleted resource changes nothing, whoever it belonged to. */
function alreadyDeleted(error: unknown): undefined {
  if (error instanceof OperationOutcomeError && error.status === 410) {
    return undefined;
  }
  throw error;
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
): void {
  versionHeaders(res, resource);
  res.setHeader('Location', versionUrl(resource, baseUrl));
  switch (preferences(req).return) {
    case 'minimal':
      return sendFhir(res, status, undefined);
    case 'OperationOutcome':
      return sendFhir(
        res,
        status,
        outcome('information', 'informational', `${resource.resourceType}/${resource.id} saved`),
      );
    default:
      return sendFhir(res, status, resource);
  }
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
