/** The five SMART v2 permissions: create, read, update, delete, search. */
export type ScopeAction = 'c' | 'r' | 'u' | 'd' | 's';
export type ScopeContext = 'patient' | 'user' | 'system';

/** One SMART resource scope, v1 or v2, normalized to v2 permissions. */
export interface ResourceScope {
  readonly raw: string;
  readonly context: ScopeContext;
  /** A resource type, or `*` for every type. */
  readonly resourceType: string;
  readonly actions: ReadonlySet<ScopeAction>;
  /**
   * A granular scope's query (`patient/Observation.rs?category=…|laboratory`): search parameter
   * pairs a resource must match to be covered. Empty for a whole-type scope.
   */
  readonly restriction: readonly (readonly [string, string])[];
}

const SCOPE = /^(patient|user|system)\/(\*|[A-Z][A-Za-z]{1,63})\.([a-z*]+)(?:\?(.+))?$/;
const V2_ORDER = ['c', 'r', 'u', 'd', 's'] as const;

/** SMART v1 names (App Launch 2.x, "scopes for requesting clinical data", v1 mapping). */
const V1_ACTIONS: Readonly<Record<string, readonly ScopeAction[]>> = {
  read: ['r', 's'],
  write: ['c', 'u', 'd'],
  '*': ['c', 'r', 'u', 'd', 's'],
};

/**
 * Parses a token's space-separated `scope` claim into resource scopes. Scopes that are not
 * resource scopes (openid, fhirUser, launch, launch/patient, offline_access, …) and malformed
 * ones grant nothing and are dropped.
 */
export function parseScopes(scope: string): ResourceScope[] {
  const scopes: ResourceScope[] = [];
  for (const raw of splitScopes(scope)) {
    const parsed = parseScope(raw);
    if (parsed) {
      scopes.push(parsed);
    }
  }
  return scopes;
}

export function parseScope(raw: string): ResourceScope | undefined {
  const match = SCOPE.exec(raw);
  if (!match) {
    return undefined;
  }
  const [, context, resourceType, permissions, query] = match as unknown as [
    string,
    ScopeContext,
    string,
    string,
    string | undefined,
  ];
  const v1 = V1_ACTIONS[permissions];
  // v1 scopes have no granular form; a query on one makes the scope unreadable, so it grants nothing.
  if (v1 && query !== undefined) {
    return undefined;
  }
  const actions = v1 ?? v2Actions(permissions);
  if (!actions) {
    return undefined;
  }
  const restriction = query === undefined ? [] : [...new URLSearchParams(query)];
  if (query !== undefined && restriction.length === 0) {
    return undefined;
  }
  return { raw, context, resourceType, actions: new Set(actions), restriction };
}

/** The scopes of one or more space-separated scope strings (OAuth 2.0 `scope`); absent and empty ones give none. */
export function splitScopes(...values: (string | undefined)[]): string[] {
  return values.flatMap((value) => (value ?? '').split(' ')).filter((scope) => scope !== '');
}

/** `cruds` in that order, each letter at most once (SMART v2). */
function v2Actions(permissions: string): ScopeAction[] | undefined {
  const actions: ScopeAction[] = [];
  let next = 0;
  for (const letter of permissions) {
    const index = V2_ORDER.indexOf(letter as ScopeAction, next);
    if (index < 0) {
      return undefined;
    }
    actions.push(V2_ORDER[index]!);
    next = index + 1;
  }
  return actions.length > 0 ? actions : undefined;
}
