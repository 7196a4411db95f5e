import type { EhrConnection } from '@peerbridge/shared';
import { EhrUnavailableError, readJsonResponse } from './ehr-errors.js';

/**
 * The connection's token endpoint: the configured one, or the `token_endpoint` of
 * `{fhirBaseUrl}/.well-known/smart-configuration` (SMART App Launch's discovery document, which
 * SMART Backend Services points clients to).
 */
export async function discoverTokenEndpoint(connection: EhrConnection): Promise<string> {
  if (connection.tokenEndpoint) {
    return connection.tokenEndpoint;
  }
  const url = `${connection.fhirBaseUrl}/.well-known/smart-configuration`;
  const response = await fetch(url, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(connection.requestTimeoutMs),
  }).catch((error: unknown) => {
    throw EhrUnavailableError.from(error, 'smart-configuration');
  });
  const body = await readJsonResponse(response, 'smart-configuration');
  const tokenEndpoint = (body as { token_endpoint?: unknown }).token_endpoint;
  if (typeof tokenEndpoint !== 'string' || !URL.canParse(tokenEndpoint)) {
    throw new EhrUnavailableError(
      'smart-configuration',
      response.status,
      'no token_endpoint in the discovery document',
    );
  }
  return tokenEndpoint;
}
