import { parseScope, splitScopes, type ScopeContext } from '@peerbridge/shared';

export { splitScopes };

/**
 * SMART on FHIR scopes as the sandbox grants them. Scopes that name FHIR data (`patient/…`,
 * `user/…`, `system/…`) belong to the FHIR resource server and are read with the resource
 * server's own parser, so the sandbox never grants a scope PeerBridge would read differently; the
 * others are OpenID and launch scopes the authorization server itself handles.
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

export function resourceScopeContext(scope: string): ScopeContext | undefined {
  return parseScope(scope)?.context;
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
