import type { AuthContext } from '../auth/auth-context.js';
import type { Queryable } from '../db/database.js';
import type { ResourceDefinition } from '../fhir/resource-definition.js';
import { parseSearchRequest, type AccessRestriction } from '../fhir/search/search-request.js';
import type { RequestMemo } from './request-memo.js';

/**
 * A service's own rule about whom a resource is for, on top of the caller's SMART scopes: e.g.
 * a peer supporter's token may carry `user/CareTeam.rs`, yet sees only the care teams they are
 * on. Per resource type, the restriction the caller is held to (a type not in the map is not
 * restricted further). It narrows what the scopes allow; it never widens it.
 */
export type Audience = ReadonlyMap<string, AccessRestriction>;

/**
 * Works out a caller's Audience, once per Repository (i.e. per request). It may query the
 * service's own tables, through `q` when given (the transaction the first access runs in), and
 * share what it looks up with the Redactions and the handler through the request's `memo`.
 */
export type AudienceRule = (
  caller: AuthContext,
  q: Queryable | undefined,
  memo: RequestMemo,
) => Promise<Audience>;

/** Both restrictions at once (`undefined`: no restriction; `[]`: nothing is allowed). */
export function intersect(
  a: AccessRestriction | undefined,
  b: AccessRestriction | undefined,
): AccessRestriction | undefined {
  if (!a) {
    return b;
  }
  if (!b) {
    return a;
  }
  return a.flatMap((left) => b.map((right) => [...left, ...right]));
}

/** One restriction from a search query on the type, e.g. `[['participant', 'Practitioner/1']]`. */
export function restrictionOf(
  definition: ResourceDefinition,
  query: readonly (readonly [string, string])[],
): AccessRestriction {
  return [parseSearchRequest(definition, query, { strict: true }).filters];
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * The id of the caller's own Practitioner on this server: `fhirUser` as `Practitioner/<id>` or
 * `<baseUrl>/fhir/Practitioner/<id>`. A Practitioner on another server is someone else's record,
 * so it is not taken for one of ours.
 */
export function ownPractitionerId(fhirUser: string | undefined, baseUrl: string): string | undefined {
  if (!fhirUser) {
    return undefined;
  }
  const ownBase = `${baseUrl}/fhir/`;
  const relative = fhirUser.startsWith(ownBase) ? fhirUser.slice(ownBase.length) : fhirUser;
  const [type, id, ...rest] = relative.split('/');
  return type === 'Practitioner' && id && ID.test(id) && rest.length === 0 ? id : undefined;
}
