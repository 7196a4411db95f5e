import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The contract, openapi/referral.yaml: the source of truth the API is validated against. */
export const OPENAPI_PATH = fileURLToPath(new URL('../../../../openapi/referral.yaml', import.meta.url));

export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, unknown> };

let document: OpenApiDocument | undefined;

/**
 * Parsed once; callers get their own copy, since validators may annotate what they are given.
 * The SMART discovery URL is made the deployment's own, under its public base URL.
 */
export function loadOpenApiDocument(publicBaseUrl: string): OpenApiDocument {
  document ??= parse(readFileSync(OPENAPI_PATH, 'utf8')) as OpenApiDocument;
  const copy = structuredClone(document);
  const smart = (
    copy.components as { securitySchemes?: { smart?: { openIdConnectUrl?: string } } } | undefined
  )?.securitySchemes?.smart;
  if (smart) {
    smart.openIdConnectUrl = `${publicBaseUrl}/fhir/.well-known/smart-configuration`;
  }
  return copy;
}
