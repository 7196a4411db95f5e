import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** An OpenAPI 3.1 document as parsed from a service's contract in `openapi/`. */
export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, unknown> };

const parsed = new Map<string, OpenApiDocument>();

/**
 * A service's contract (e.g. openapi/referral.yaml), parsed once per file however many times a
 * service or a test asks; callers get their own copy, since validators may annotate what they
 * are given. The SMART discovery URL is made the deployment's own, under its public base URL.
 */
export function loadOpenApiDocument(path: string, publicBaseUrl: string): OpenApiDocument {
  let document = parsed.get(path);
  if (!document) {
    document = parse(readFileSync(path, 'utf8')) as OpenApiDocument;
    parsed.set(path, document);
  }
  const copy = structuredClone(document);
  const smart = (
    copy.components as { securitySchemes?: { smart?: { openIdConnectUrl?: string } } } | undefined
  )?.securitySchemes?.smart;
  if (smart) {
    smart.openIdConnectUrl = `${publicBaseUrl}/fhir/.well-known/smart-configuration`;
  }
  return copy;
}
