import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const DOCUMENT_PATH = fileURLToPath(new URL('../../../../../openapi/events-admin.yaml', import.meta.url));

export type EventsAdminDocument = Record<string, unknown> & { paths: Record<string, unknown> };

let parsed: EventsAdminDocument | undefined;

/** openapi/events-admin.yaml, parsed once, with the deployment's own SMART discovery URL. */
export function loadEventsAdminDocument(publicBaseUrl: string): EventsAdminDocument {
  parsed ??= parse(readFileSync(DOCUMENT_PATH, 'utf8')) as EventsAdminDocument;
  const copy = structuredClone(parsed);
  const smart = (copy.components as { securitySchemes: { smart: { openIdConnectUrl: string } } })
    .securitySchemes.smart;
  smart.openIdConnectUrl = `${publicBaseUrl}/fhir/.well-known/smart-configuration`;
  return copy;
}
