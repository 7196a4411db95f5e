/**
 * SMART launch context: which patient (and encounter) the app was launched for, and whether it
 * must show its own patient banner. It reaches the app in the token response and, for the
 * resource server, inside the access token.
 */
export interface LaunchContext {
  readonly patient?: string;
  readonly encounter?: string;
  readonly need_patient_banner: boolean;
}

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

export function isFhirId(value: unknown): value is string {
  return typeof value === 'string' && FHIR_ID.test(value);
}

/**
 * The sandbox's `launch` parameter is base64url JSON `{"patient":"…","encounter":"…"}` — the
 * stand-in EHR needs no launch registry, and a demo can build a launch by hand. (A real EHR's
 * launch value is opaque; apps must not look inside it.) Returns undefined when it is malformed.
 */
export function decodeLaunch(launch: string): LaunchContext | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(launch, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return undefined;
  }
  const { patient, encounter, need_patient_banner } = parsed as Record<string, unknown>;
  if (!isFhirId(patient) || (encounter !== undefined && !isFhirId(encounter))) {
    return undefined;
  }
  if (need_patient_banner !== undefined && typeof need_patient_banner !== 'boolean') {
    return undefined;
  }
  // Launched from inside the EHR, which already shows the patient: no banner unless asked.
  return { patient, ...(encounter ? { encounter } : {}), need_patient_banner: need_patient_banner ?? false };
}

export function encodeLaunch(context: {
  patient: string;
  encounter?: string;
  need_patient_banner?: boolean;
}): string {
  return Buffer.from(JSON.stringify(context), 'utf8').toString('base64url');
}

/**
 * Launch context per grant, held in memory like the rest of the sandbox's state (oidc-provider's
 * Grant model keeps only its own fields). Entries expire with the grant.
 */
export class LaunchContextStore {
  private readonly entries = new Map<string, { context: LaunchContext; expiresAt: number }>();

  constructor(private readonly ttlSeconds: number) {}

  set(grantId: string, context: LaunchContext): void {
    this.prune();
    this.entries.set(grantId, { context, expiresAt: Date.now() + this.ttlSeconds * 1000 });
  }

  get(grantId: string | undefined): LaunchContext | undefined {
    const entry = grantId === undefined ? undefined : this.entries.get(grantId);
    return entry && entry.expiresAt > Date.now() ? entry.context : undefined;
  }

  private prune(): void {
    const now = Date.now();
    for (const [grantId, entry] of this.entries) {
      if (entry.expiresAt <= now) {
        this.entries.delete(grantId);
      }
    }
  }
}
