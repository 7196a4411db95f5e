import { generateKeyPairSync } from 'node:crypto';
import { EHR_WRITE_BACK_TYPES, signingKeyOf, type Config, type EhrConnection } from '@peerbridge/shared';
import { EHR_PROGRAM_ID } from './ehr/ehr-demo-data.js';
import type { SandboxBackendClient } from './provider-configuration.js';
import { sandboxEhrBaseUrl, sandboxIssuer } from './sandbox-issuer.js';

/** The client id PeerBridge's automatic connection to the sandbox EHR uses. */
export const SANDBOX_EHR_CONNECTION_CLIENT_ID = 'peerbridge-ehr-connection';
export const SANDBOX_EHR_CONNECTION_ID = 'sandbox-ehr';

/** What PeerBridge reads from and writes back to the sandbox EHR (issue 13, items 4 and 5). */
const SANDBOX_EHR_SCOPES = [
  'system/Patient.rs',
  'system/ServiceRequest.rs',
  ...EHR_WRITE_BACK_TYPES.map((type) => `system/${type}.cruds`),
];

/**
 * With the sandbox on and no EHR_CONNECTIONS, one connection to the sandbox EHR, so that
 * `npm start` shows the whole loop. Its ES384 key is made here, in memory, like the sandbox's own
 * signing key; the sandbox authorization server registers its public half (sandboxBackendClients).
 */
export function withSandboxEhrConnection(config: Config): Config {
  if (!config.sandbox || config.ehrConnections.length > 0) {
    return config;
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const connection: EhrConnection = Object.freeze({
    id: SANDBOX_EHR_CONNECTION_ID,
    fhirBaseUrl: sandboxEhrBaseUrl(config),
    tokenEndpoint: `${sandboxIssuer(config)}/token`,
    clientId: SANDBOX_EHR_CONNECTION_CLIENT_ID,
    signingKey: signingKeyOf(privateKey, 'ES384'),
    scopes: Object.freeze(SANDBOX_EHR_SCOPES),
    writeBack: Object.freeze([...EHR_WRITE_BACK_TYPES]),
    intake: Object.freeze({
      mode: 'task' as const,
      intervalSeconds: 30,
      owner: `Organization/${EHR_PROGRAM_ID}`,
    }),
    requestTimeoutMs: 10_000,
  });
  return Object.freeze({ ...config, ehrConnections: Object.freeze([connection]) });
}

/**
 * The configured connections that point at the sandbox (its token endpoint, or the sandbox EHR
 * found through discovery), as backend clients of the sandbox authorization server with their
 * public keys and the sandbox EHR as their audience: what registering PeerBridge with an EHR
 * would be, done at start-up.
 */
export function sandboxBackendClients(config: Config): SandboxBackendClient[] {
  const tokenUrl = `${sandboxIssuer(config)}/token`;
  const ehrUrl = sandboxEhrBaseUrl(config);
  const keys = new Map<string, Record<string, unknown>[]>();
  for (const connection of config.ehrConnections) {
    const atSandbox =
      connection.tokenEndpoint === tokenUrl ||
      (connection.tokenEndpoint === undefined && connection.fhirBaseUrl === ehrUrl);
    if (atSandbox) {
      keys.set(connection.clientId, [
        ...(keys.get(connection.clientId) ?? []),
        { ...connection.signingKey.publicJwk },
      ]);
    }
  }
  return [...keys].map(([clientId, publicJwks]) => ({ clientId, publicJwks, resource: ehrUrl }));
}
