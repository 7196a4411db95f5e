import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { parseConfig } from '@peerbridge/shared';
import {
  SANDBOX_EHR_CONNECTION_CLIENT_ID,
  sandboxBackendClients,
  withSandboxEhrConnection,
} from './sandbox-ehr-connection.js';

const BASE = 'http://localhost:8080';
const KEY = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'jwk' });

function connection(id: string, fields: Record<string, unknown>) {
  return { id, clientId: `client-${id}`, privateKey: KEY, alg: 'ES384', ...fields };
}

describe('the connection to the sandbox EHR', () => {
  it('when the sandbox is on and EHR_CONNECTIONS is unset, then one ES384 connection to the sandbox EHR is added and registered', () => {
    const config = withSandboxEhrConnection(parseConfig({ PUBLIC_BASE_URL: BASE }, { port: 8080 }));
    expect(config.ehrConnections).toHaveLength(1);
    expect(config.ehrConnections[0]).toMatchObject({
      id: 'sandbox-ehr',
      fhirBaseUrl: `${BASE}/sandbox/ehr/fhir`,
      tokenEndpoint: `${BASE}/sandbox/auth/token`,
      clientId: SANDBOX_EHR_CONNECTION_CLIENT_ID,
      intake: { mode: 'task', intervalSeconds: 30 },
    });
    expect(config.ehrConnections[0]!.scopes).toContain('system/Task.cruds');
    expect(sandboxBackendClients(config)).toEqual([
      {
        clientId: SANDBOX_EHR_CONNECTION_CLIENT_ID,
        publicJwks: [{ ...config.ehrConnections[0]!.signingKey.publicJwk }],
        resource: `${BASE}/sandbox/ehr/fhir`,
      },
    ]);
  });

  it('when the sandbox is off, then no connection is added', () => {
    expect(withSandboxEhrConnection(parseConfig({ SANDBOX: '0' }, { port: 8080 })).ehrConnections).toEqual(
      [],
    );
  });

  it('when EHR_CONNECTIONS is set, then it is kept, and only its connections to the sandbox are registered there', () => {
    const config = withSandboxEhrConnection(
      parseConfig(
        {
          PUBLIC_BASE_URL: BASE,
          EHR_CONNECTIONS: JSON.stringify([
            connection('named', {
              fhirBaseUrl: `${BASE}/sandbox/ehr/fhir`,
              tokenEndpoint: `${BASE}/sandbox/auth/token`,
            }),
            connection('discovered', { fhirBaseUrl: `${BASE}/sandbox/ehr/fhir` }),
            connection('elsewhere', { fhirBaseUrl: 'https://ehr.example/fhir' }),
          ]),
        },
        { port: 8080 },
      ),
    );
    expect(config.ehrConnections.map((each) => each.id)).toEqual(['named', 'discovered', 'elsewhere']);
    expect(sandboxBackendClients(config).map((client) => client.clientId)).toEqual([
      'client-named',
      'client-discovered',
    ]);
  });
});
