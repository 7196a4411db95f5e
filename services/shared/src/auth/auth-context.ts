import { parseScopes, type ResourceScope, type ScopeAction } from './scopes.js';

/** The claims PeerBridge reads from a verified JWT or an introspection response. */
export interface AccessTokenClaims {
  readonly iss: string;
  readonly sub?: unknown;
  readonly client_id?: unknown;
  readonly azp?: unknown;
  readonly scope?: unknown;
  readonly patient?: unknown;
  readonly fhirUser?: unknown;
  readonly exp?: unknown;
}

/**
 * Who is calling and what they may do, from a verified access token. Handlers find it in
 * `res.locals.auth`; it is set for every protected route before any handler runs.
 */
export interface AuthContext {
  readonly issuer: string;
  readonly subject: string | undefined;
  readonly clientId: string | undefined;
  /** The user as a FHIR resource: `Practitioner/123` or an absolute URL. */
  readonly fhirUser: string | undefined;
  /** The launch context patient id; required when any scope is a patient/ scope. */
  readonly patient: string | undefined;
  readonly scopes: readonly ResourceScope[];
  /** Whether any scope lets the caller take this action on some resources of this type. */
  can(resourceType: string, action: ScopeAction): boolean;
  /** The scopes that grant this action on this type (empty when none does). */
  grants(resourceType: string, action: ScopeAction): readonly ResourceScope[];
}

export class PatientContextMissingError extends Error {}

/** Builds the context once per token: scopes are parsed here, not per request check. */
export function createAuthContext(claims: AccessTokenClaims): AuthContext {
  const scopes = parseScopes(typeof claims.scope === 'string' ? claims.scope : '');
  const patient = patientId(claims.patient);
  if (!patient && scopes.some((scope) => scope.context === 'patient')) {
    throw new PatientContextMissingError('patient/ scopes need a patient launch context in the token');
  }
  const cache = new Map<string, readonly ResourceScope[]>();
  const grants = (resourceType: string, action: ScopeAction): readonly ResourceScope[] => {
    const key = `${resourceType}.${action}`;
    let granted = cache.get(key);
    if (!granted) {
      granted = scopes.filter(
        (scope) =>
          scope.actions.has(action) && (scope.resourceType === '*' || scope.resourceType === resourceType),
      );
      cache.set(key, granted);
    }
    return granted;
  };
  return Object.freeze({
    issuer: claims.iss,
    subject: stringOrUndefined(claims.sub),
    clientId: stringOrUndefined(claims.client_id) ?? stringOrUndefined(claims.azp),
    fhirUser: stringOrUndefined(claims.fhirUser),
    patient,
    scopes,
    can: (resourceType: string, action: ScopeAction) => grants(resourceType, action).length > 0,
    grants,
  });
}

/** SMART's `patient` claim is an id; tolerate `Patient/123` as some servers send it. */
function patientId(value: unknown): string | undefined {
  const id = stringOrUndefined(value)?.replace(/^Patient\//, '');
  return id && /^[A-Za-z0-9\-.]{1,64}$/.test(id) ? id : undefined;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
