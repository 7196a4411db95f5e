import type { Request, RequestHandler, Response } from 'express';
import type { Resource } from '@medplum/fhirtypes';
import { notAcceptable, unsupportedMediaType } from '../../errors/operation-outcome-error.js';

export const FHIR_JSON = 'application/fhir+json';
const JSON_TYPES = [FHIR_JSON, 'application/json'];
const FORMAT_ALIASES = new Set(['json', FHIR_JSON, 'application/json', 'application/json+fhir']);

/**
 * FHIR content negotiation for JSON, the only format this server speaks: `_format` wins over
 * Accept; XML or Turtle is answered 406; a body of any other media type is answered 415.
 */
export const fhirMediaTypes: RequestHandler = (req, _res, next) => {
  const format = typeof req.query._format === 'string' ? req.query._format : undefined;
  if (format !== undefined && !FORMAT_ALIASES.has(format.split(';')[0]!.trim())) {
    throw notAcceptable(`_format ${format} is not supported; use json`, '_format');
  }
  if (format === undefined && req.get('accept') && !req.accepts([...JSON_TYPES, 'application/json+fhir'])) {
    throw notAcceptable('This server answers application/fhir+json or application/json only');
  }
  if (hasBody(req) && !req.is(JSON_TYPES)) {
    throw unsupportedMediaType('Send the resource as application/fhir+json or application/json');
  }
  next();
};

/** Methods that carry a resource body (search by POST uses a form and is routed before this). */
function hasBody(req: Request): boolean {
  return (req.method === 'POST' || req.method === 'PUT') && !req.path.endsWith('/_search');
}

export function sendFhir(res: Response, status: number, body: Resource | undefined): void {
  res.status(status);
  if (body === undefined) {
    res.end();
    return;
  }
  res.type(FHIR_JSON).send(JSON.stringify(body));
}

/** ETag and Last-Modified of one version of a resource. */
export function versionHeaders(res: Response, resource: Resource): void {
  if (resource.meta?.versionId) {
    res.setHeader('ETag', `W/"${resource.meta.versionId}"`);
  }
  if (resource.meta?.lastUpdated) {
    res.setHeader('Last-Modified', new Date(resource.meta.lastUpdated).toUTCString());
  }
}

/** The version URL of a resource just created or updated. */
export function versionUrl(resource: Resource, baseUrl: string): string {
  return `${baseUrl}/fhir/${resource.resourceType}/${resource.id}/_history/${resource.meta?.versionId}`;
}
