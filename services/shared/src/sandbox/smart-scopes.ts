/**
 * SMART on FHIR scopes as the sandbox understands them. Scopes that name FHIR data
 * (`patient/…`, `user/…`, `system/…`) belong to the FHIR resource server; the others are OpenID
 * and launch scopes the authorization server itself handles.
 */
export const OPENID_AND_LAUNCH_SCOPES = [
  'openid',
  'fhirUser',
  'profile',
  'offline_access',
  'online_access',
  'launch',
  'launch/patient',
  'launch/encounter',
] as const;

export type ScopeContext = 'patient' | 'user' | 'system';

// v1: read | write | *; v2: c r u d s in that order, at least one, optionally with a granular query.
const RESOURCE_SCOPE =
  /^(patient|user|system)\/(\*|[A-Z][A-Za-z]{1,63})\.(read|write|\*|c?r?u?d?s?(\?[^\s]+)?)$/;

export function resourceScopeContext(scope: string): ScopeContext | undefined {
  const match = RESOURCE_SCOPE.exec(scope);
  if (!match || match[3] === '' || match[3]?.startsWith('?')) {
    return undefined;
  }
  return match[1] as ScopeContext;
}

/**
 * The FHIR scopes among `scopes` that a client may be granted: backend services get `system/`
 * scopes only; apps acting for a user get `patient/` and `user/` scopes.
 */
export function grantableResourceScopes(scopes: Iterable<string>, isBackendService: boolean): string[] {
  const allowed: ReadonlySet<ScopeContext> = new Set(isBackendService ? ['system'] : ['patient', 'user']);
  return [...new Set(scopes)].filter((scope) => {
    const context = resourceScopeContext(scope);
    return context !== undefined && allowed.has(context);
  });
}

export function splitScopes(...values: (string | undefined)[]): string[] {
  return values.flatMap((value) => (value ?? '').split(' ')).filter((scope) => scope !== '');
}
