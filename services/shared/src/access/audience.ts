import type { AuthContext } from '../auth/auth-context.js';
import type { Queryable } from '../db/database.js';
import type { AccessRestriction } from '../fhir/search/search-request.js';

/**
 * A service's own rule about whom a resource is for, on top of the caller's SMART scopes: e.g.
 * a peer supporter's token may carry `user/CareTeam.rs`, yet sees only the care teams they are
 * on. Per resource type, the restriction the caller is held to (a type not in the map is not
 * restricted further). It narrows what the scopes allow; it never widens it.
 */
export type Audience = ReadonlyMap<string, AccessRestriction>;

/**
 * Works out a caller's Audience, once per Repository (i.e. per request). It may query the
 * service's own tables, through `q` when given (the transaction the first access runs in).
 */
export type AudienceRule = (caller: AuthContext, q: Queryable | undefined) => Promise<Audience>;

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
