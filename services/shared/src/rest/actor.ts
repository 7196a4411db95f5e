/**
 * Who made a change, as far as the caller's token tells (all absent means unknown), as a service
 * records it, e.g. on each referral transition.
 */
export interface Actor {
  readonly fhirUser?: string;
  readonly subject?: string;
  readonly clientId?: string;
}

/**
 * The part of the SMART AuthContext (res.locals.auth, set by the shared auth middleware) that
 * says who is calling. Read defensively: a handler given locals without it records an unknown
 * actor rather than failing.
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
