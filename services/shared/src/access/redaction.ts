import type { Coding, Resource } from '@medplum/fhirtypes';
import type { AuthContext } from '../auth/auth-context.js';
import type { Queryable } from '../db/database.js';
import type { RequestMemo } from './request-memo.js';

/**
 * What a caller is shown of one resource they may see: the resource itself, or a copy without
 * what is withheld from them (marked with `markRedacted`). It must not change its argument: the
 * same object may be handed to someone else.
 */
export type Redaction = (resource: Resource) => Resource;

/**
 * Per resource type, the redaction a caller's reads pass through (a type not in the map is shown
 * whole). Where an Audience decides which resources a caller sees, Redactions decide how much
 * of each.
 */
export type Redactions = ReadonlyMap<string, Redaction>;

/**
 * Works out a caller's Redactions, once per Repository (i.e. per request), like an AudienceRule;
 * `q` is the transaction the first read runs in, when given.
 */
export type RedactionRule = (
  caller: AuthContext,
  q: Queryable | undefined,
  memo: RequestMemo,
) => Promise<Redactions>;

/**
 * The security label FHIR uses for a resource with information removed for the reader
 * (http://hl7.org/fhir/R4/security-labels.html: integrity, "redacted").
 */
export const REDACTED: Readonly<Coding> = Object.freeze({
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'REDACTED',
  display: 'redacted',
});

/** Whether `resource` is labelled REDACTED (something in it was withheld from the reader). */
export function isRedacted(resource: Resource): boolean {
  return (resource.meta?.security ?? []).some(
    (label) => label.system === REDACTED.system && label.code === REDACTED.code,
  );
}

/** `resource` labelled REDACTED in meta.security (once), so the reader knows something was withheld. */
export function markRedacted<T extends Resource>(resource: T): T {
  if (isRedacted(resource)) {
    return resource;
  }
  const security = resource.meta?.security ?? [];
  return { ...resource, meta: { ...resource.meta, security: [...security, { ...REDACTED }] } };
}
