/** The parts of an issuer's OpenID Connect / SMART discovery document PeerBridge uses. */
export interface IssuerMetadata {
  readonly issuer: string;
  readonly jwks_uri: string;
  readonly authorization_endpoint?: string;
  readonly token_endpoint?: string;
  readonly introspection_endpoint?: string;
  readonly revocation_endpoint?: string;
  readonly registration_endpoint?: string;
  readonly management_endpoint?: string;
  readonly userinfo_endpoint?: string;
  readonly grant_types_supported?: readonly string[];
  readonly scopes_supported?: readonly string[];
  readonly response_types_supported?: readonly string[];
  readonly token_endpoint_auth_methods_supported?: readonly string[];
  readonly token_endpoint_auth_signing_alg_values_supported?: readonly string[];
}

export class IssuerUnavailableError extends Error {}

const DISCOVERY_PATHS = ['/.well-known/openid-configuration', '/.well-known/smart-configuration'];
const URL_FIELDS = [
  'jwks_uri',
  'authorization_endpoint',
  'token_endpoint',
  'introspection_endpoint',
  'revocation_endpoint',
  'registration_endpoint',
  'management_endpoint',
  'userinfo_endpoint',
] as const;

/**
 * Reads `{issuer}/.well-known/openid-configuration`, falling back to the SMART
 * `{issuer}/.well-known/smart-configuration`. A document naming a different issuer is refused
 * (OpenID Connect Discovery 1.0 section 4.3), so a token's `iss` always matches its keys' owner.
 */
export async function discoverIssuer(issuer: string, timeoutMs: number): Promise<IssuerMetadata> {
  const failures: string[] = [];
  for (const path of DISCOVERY_PATHS) {
    const url = `${issuer.replace(/\/$/, '')}${path}`;
    try {
      const response = await fetch(url, {
        headers: { accept: 'application/json' },
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        failures.push(`${path}: HTTP ${response.status}`);
        continue;
      }
      return validated(issuer, await response.json());
    } catch (error) {
      failures.push(`${path}: ${error instanceof Error ? error.message : 'failed'}`);
    }
  }
  throw new IssuerUnavailableError(`Discovery failed for ${issuer} (${failures.join('; ')})`);
}

function validated(issuer: string, document: unknown): IssuerMetadata {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new Error('discovery document is not a JSON object');
  }
  const metadata = document as Record<string, unknown>;
  if (metadata.issuer !== undefined && metadata.issuer !== issuer) {
    throw new Error(`discovery document names issuer ${String(metadata.issuer)}`);
  }
  if (typeof metadata.jwks_uri !== 'string') {
    throw new Error('discovery document has no jwks_uri');
  }
  for (const field of URL_FIELDS) {
    const value = metadata[field];
    if (value !== undefined && (typeof value !== 'string' || !URL.canParse(value))) {
      throw new Error(`discovery document's ${field} is not an absolute URL`);
    }
  }
  return { ...(metadata as unknown as IssuerMetadata), issuer };
}
