import { createLogger, type Config, type EhrConnection } from '@peerbridge/shared';
import { EhrFhirClient, type AccessTokenOptions } from '@peerbridge/ehr-integration';
import { SANDBOX_EHR_CONNECTION_ID, type EhrFault } from '@peerbridge/sandbox';

/** The connection the development host set up to the sandbox EHR (EHR_CONNECTIONS unset). */
export function sandboxConnection(config: Config, overrides: Partial<EhrConnection> = {}): EhrConnection {
  const connection = config.ehrConnections.find((candidate) => candidate.id === SANDBOX_EHR_CONNECTION_ID);
  if (!connection) {
    throw new Error('the sandbox EHR connection is not configured');
  }
  return { ...connection, ...overrides };
}

export function sandboxEhrClient(
  config: Config,
  overrides: Partial<EhrConnection> = {},
  options: AccessTokenOptions = {},
): EhrFhirClient {
  return new EhrFhirClient(
    sandboxConnection(config, overrides),
    createLogger({ level: 'error', service: 'test', silent: true }),
    options,
  );
}

/** Makes the sandbox EHR fail on purpose through its fault control, as a fault test does. */
export async function setEhrFault(baseUrl: string, fault: EhrFault): Promise<void> {
  const response = await fetch(`${baseUrl}/sandbox/ehr/_faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  if (!response.ok) {
    throw new Error(`the fault control answered ${response.status}`);
  }
}

export async function clearEhrFault(baseUrl: string): Promise<void> {
  await fetch(`${baseUrl}/sandbox/ehr/_faults`, { method: 'DELETE' });
}
