import type { Request, RequestHandler, Response } from 'express';
import { getStatus, isOk } from '@medplum/core';
import type { FhirRepository, FhirRequest, FhirRouter, HttpMethod } from '@medplum/fhir-router';
import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';

/** Page size when a search names none; `_count` may ask for up to MAX_PAGE. */
const DEFAULT_PAGE = 50;
const MAX_PAGE = 1000;

/**
 * Hands a request to Medplum's FHIR router over its in-memory repository and sends the answer as
 * a FHIR server does: the status the OperationOutcome implies, Location and ETag for a written
 * resource, and for a search `fullUrl`s and `next` / `previous` links (Medplum's server adds
 * those itself; its router leaves them to the host), so clients can page through every result.
 */
export function fhirRouterHandler(router: FhirRouter, repo: FhirRepository, baseUrl: string): RequestHandler {
  return (req, res, next) => {
    const query = { ...(req.query as Record<string, string | string[]>) };
    if (req.method === 'GET' && isTypeSearch(req.path)) {
      query._count = String(Math.min(Number(query._count ?? DEFAULT_PAGE) || DEFAULT_PAGE, MAX_PAGE));
    }
    const request: FhirRequest = {
      method: req.method as HttpMethod,
      url: req.url,
      pathname: '',
      params: {},
      query,
      body: req.body,
      headers: req.headers,
    };
    router.handleRequest(request, repo).then(([outcome, resource]) => {
      send(req, res, baseUrl, query, outcome, resource);
    }, next);
  };
}

function send(
  req: Request,
  res: Response,
  baseUrl: string,
  query: Record<string, string | string[]>,
  outcome: OperationOutcome,
  resource: Resource | undefined,
): void {
  res.type('application/fhir+json');
  if (!resource || !isOk(outcome)) {
    res.status(getStatus(outcome)).send(outcome);
    return;
  }
  if (resource.resourceType === 'Bundle' && resource.type === 'searchset') {
    res.status(200).send(withPaging(resource, baseUrl, req.path, query));
    return;
  }
  const status = getStatus(outcome);
  if (resource.id && resource.meta?.versionId) {
    res.set('ETag', `W/"${resource.meta.versionId}"`);
    if (status === 201) {
      res.set(
        'Location',
        `${baseUrl}/${resource.resourceType}/${resource.id}/_history/${resource.meta.versionId}`,
      );
    }
  }
  res.status(status).send(resource);
}

function withPaging(
  bundle: Bundle,
  baseUrl: string,
  path: string,
  query: Record<string, string | string[]>,
): Bundle {
  const count = Number(query._count);
  const offset = Number(query._offset ?? 0) || 0;
  const link = (relation: string, at: number) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (name !== '_offset') {
          params.append(name, item);
        }
      }
    }
    params.set('_offset', String(at));
    return { relation, url: `${baseUrl}${path}?${params}` };
  };
  const links = [link('self', offset)];
  if (bundle.total !== undefined && offset + count < bundle.total) {
    links.push(link('next', offset + count));
  }
  if (offset > 0) {
    links.push(link('previous', Math.max(0, offset - count)));
  }
  return {
    ...bundle,
    link: links,
    entry: bundle.entry?.map((entry) => ({
      ...entry,
      fullUrl: entry.resource ? `${baseUrl}/${entry.resource.resourceType}/${entry.resource.id}` : undefined,
    })),
  };
}

function isTypeSearch(path: string): boolean {
  return path.split('/').filter(Boolean).length === 1;
}
