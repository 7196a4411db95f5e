import type { RequestHandler } from 'express';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { parseScopes, type ResourceScope } from '@peerbridge/shared';

export interface EhrAccessOptions {
  /** The sandbox authorization server's issuer: the only one the EHR trusts. */
  readonly issuer: string;
  /** Its public signing keys, handed over in process (both run in the development host). */
  readonly jwks: JSONWebKeySet;
  /** The EHR's FHIR base URL: a token must be for it, not for PeerBridge's FHIR API. */
  readonly audience: string;
}

/**
 * SMART access to the sandbox EHR: a bearer JWT from the sandbox authorization server with the
 * EHR's own audience (a token for PeerBridge's FHIR API is refused here, as an EHR's token is
 * there), and a `system/` or `user/` scope that grants the interaction on the resource type.
 * Failures answer 401 or 403 with an OperationOutcome, like any FHIR server.
 */
export function ehrAccess(options: EhrAccessOptions): RequestHandler {
  const keys = createLocalJWKSet(options.jwks);
  return (req, res, next) => {
    const token = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) {
      refuse(res, 401, 'login', 'a bearer token from the sandbox authorization server is required');
      return;
    }
    jwtVerify(token, keys, {
      issuer: options.issuer,
      audience: options.audience,
      typ: 'at+jwt',
      algorithms: ['RS256'],
    }).then(
      ({ payload }) => {
        const scopes = parseScopes(typeof payload.scope === 'string' ? payload.scope : '');
        const { resourceType, action } = requested(req.method, req.path);
        if (!grants(scopes, resourceType, action)) {
          refuse(res, 403, 'forbidden', `no scope grants ${action} on ${resourceType || 'the system'}`);
          return;
        }
        next();
      },
      () => refuse(res, 401, 'login', 'the access token is not valid for this EHR'),
    );
  };
}

type Action = 'c' | 'r' | 'u' | 'd' | 's';

/** The SMART v2 action an HTTP request needs, and the resource type it is on ('' for system-level). */
function requested(method: string, path: string): { resourceType: string; action: Action } {
  const [resourceType = '', id] = path.split('/').filter(Boolean);
  switch (method) {
    case 'GET':
    case 'HEAD':
      return { resourceType, action: id === undefined || id === '_history' ? 's' : 'r' };
    case 'POST':
      return { resourceType, action: id === '_search' ? 's' : 'c' };
    case 'DELETE':
      return { resourceType, action: 'd' };
    default:
      return { resourceType, action: 'u' };
  }
}

function grants(scopes: readonly ResourceScope[], resourceType: string, action: Action): boolean {
  return scopes.some(
    (scope) =>
      (scope.context === 'system' || scope.context === 'user') &&
      (scope.resourceType === '*' || scope.resourceType === resourceType) &&
      scope.actions.has(action),
  );
}

function refuse(
  res: Parameters<RequestHandler>[1],
  status: 401 | 403,
  code: string,
  diagnostics: string,
): void {
  if (status === 401) {
    res.set('WWW-Authenticate', 'Bearer realm="sandbox-ehr"');
  }
  res
    .status(status)
    .type('application/fhir+json')
    .send({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code, diagnostics }],
    });
}
