import type { Actor } from '../domain/referral.js';

/**
 * The part of the SMART auth context (res.locals.auth, set by the shared auth middleware) this
 * service needs: who the caller is, to record it on each transition. Declared here, minimal, so
 * the service does not depend on the rest of the auth context's shape.
 */
interface CallerIdentity {
  readonly fhirUser?: unknown;
  readonly subject?: unknown;
  readonly clientId?: unknown;
}

/** Who is making this request; an empty Actor (recorded as unknown) when no auth context is set. */
export function actorOf(locals: Readonly<Record<string, unknown>>): Actor {
  const auth = locals.auth as CallerIdentity | undefined;
  if (typeof auth !== 'object' || auth === null) {
    return {};
  }
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const fhirUser = text(auth.fhirUser);
  const subject = text(auth.subject);
  const clientId = text(auth.clientId);
  return {
    ...(fhirUser ? { fhirUser } : {}),
    ...(subject ? { subject } : {}),
    ...(clientId ? { clientId } : {}),
  };
}
