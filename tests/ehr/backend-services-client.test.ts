import { generateKeyPairSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { signingKeyOf } from '@peerbridge/shared';
import {
  EhrClientRefusedError,
  EhrFhirClient,
  EhrFhirError,
  EhrUnavailableError,
} from '@peerbridge/ehr-integration';
import { ehrPatientId } from '@peerbridge/sandbox';
import { capturedLogger } from '../support/captured-logs.js';
import { startListeningTestApp, type ListeningTestApp } from '../support/test-app.js';
import { clearEhrFault, sandboxConnection, sandboxEhrClient, setEhrFault } from './sandbox-ehr-access.js';

const RS384_PEM = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  format: 'pem',
  type: 'pkcs8',
}) as string;

/**
 * Counts the requests that really leave for `url`, by watching the global fetch the client
 * uses (the requests still go to the sandbox): a count the client's own status cannot fake.
 */
function watchRequestsTo(url: string) {
  const original = globalThis.fetch;
  let count = 0;
  globalThis.fetch = (input, init) => {
    const target = input instanceof Request ? input.url : String(input);
    if (target === url) {
      count += 1;
    }
    return original(input, init);
  };
  return { count: () => count, stop: () => (globalThis.fetch = original) };
}

/** A clock the test moves, for the token cache and the back-off; the sandbox keeps real time. */
function testClock() {
  let offsetMs = 0;
  return { now: () => Date.now() + offsetMs, advance: (ms: number) => (offsetMs += ms) };
}

async function expectRejection<T extends Error>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => T,
): Promise<T> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(type);
  return error as T;
}

describe('SMART Backend Services client against the sandbox authorization server and EHR', () => {
  let t: ListeningTestApp;

  beforeAll(async () => {
    // Two connections from EHR_CONNECTIONS, as a deployment configures them: an RS384 PEM key
    // with the token endpoint named, and an ES384 JWK key with the token endpoint discovered.
    const es384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'jwk' });
    t = await startListeningTestApp([], (baseUrl) => ({
      SANDBOX: '1',
      EHR_CONNECTIONS: JSON.stringify([
        {
          id: 'sandbox-ehr',
          fhirBaseUrl: `${baseUrl}/sandbox/ehr/fhir`,
          tokenEndpoint: `${baseUrl}/sandbox/auth/token`,
          clientId: 'peerbridge-rs384',
          privateKey: RS384_PEM,
          alg: 'RS384',
          scopes: 'system/Patient.rs system/Task.cruds',
        },
        {
          id: 'sandbox-ehr-discovered',
          fhirBaseUrl: `${baseUrl}/sandbox/ehr/fhir`,
          clientId: 'peerbridge-es384',
          privateKey: es384,
          alg: 'ES384',
          scopes: ['system/Patient.rs'],
        },
      ]),
    }));
  });
  afterEach(async () => {
    await clearEhrFault(t.baseUrl);
  });
  afterAll(async () => {
    await t.close();
  });

  it('when EHR_CONNECTIONS is set, then the sandbox connection is not added and both configured ones are', () => {
    expect(t.config.ehrConnections.map((connection) => connection.id)).toEqual([
      'sandbox-ehr',
      'sandbox-ehr-discovered',
    ]);
  });

  it('when three reads are made, then one token is requested and reused (RS384, configured token endpoint)', async () => {
    const client = sandboxEhrClient(t.config);
    const tokenRequests = watchRequestsTo(`${t.baseUrl}/sandbox/auth/token`);
    try {
      for (const _ of [1, 2, 3]) {
        expect((await client.read('Patient', ehrPatientId(1))).id).toBe(ehrPatientId(1));
      }
    } finally {
      tokenRequests.stop();
    }
    expect(tokenRequests.count()).toBe(1);
    expect(client.status()).toMatchObject({ id: 'sandbox-ehr', state: 'connected', tokenRequests: 1 });
  });

  it('when the token endpoint is not configured, then it is discovered through smart-configuration (ES384)', async () => {
    const connection = t.config.ehrConnections[1]!;
    expect(connection.tokenEndpoint).toBeUndefined();
    const client = new EhrFhirClient(connection, capturedLogger().logger);
    expect((await client.read('Patient', ehrPatientId(3))).id).toBe(ehrPatientId(3));
    expect(client.status()).toMatchObject({ state: 'connected', tokenRequests: 1 });
  });

  it('when many calls start together, then they share one token request', async () => {
    const client = sandboxEhrClient(t.config);
    await Promise.all([1, 2, 3, 4, 5].map((n) => client.read('Patient', ehrPatientId(n))));
    expect(client.status().tokenRequests).toBe(1);
  });

  it('when the token is within 30 s of expiring, then a new one is requested before the call', async () => {
    const clock = testClock();
    const client = sandboxEhrClient(t.config, {}, { clock: clock.now });
    await client.read('Patient', ehrPatientId(1));
    clock.advance(269_000); // the sandbox's backend tokens live 300 s
    await client.read('Patient', ehrPatientId(1));
    expect(client.status().tokenRequests).toBe(1);
    clock.advance(2_000);
    await client.read('Patient', ehrPatientId(1));
    expect(client.status().tokenRequests).toBe(2);
  });

  it('when the EHR answers 401 once, then the token is refreshed and the call made again, once', async () => {
    const client = sandboxEhrClient(t.config);
    await client.read('Patient', ehrPatientId(1));
    await setEhrFault(t.baseUrl, { kind: 401, target: 'fhir', count: 1 });
    expect((await client.read('Patient', ehrPatientId(2))).id).toBe(ehrPatientId(2));
    expect(client.status().tokenRequests).toBe(2);
  });

  it('when the EHR answers 401 again after the refresh, then the call fails with the 401, with no third token', async () => {
    const client = sandboxEhrClient(t.config);
    await setEhrFault(t.baseUrl, { kind: 401, target: 'fhir', count: 5 });
    const error = await expectRejection(client.read('Patient', ehrPatientId(1)), EhrFhirError);
    expect(error.status).toBe(401);
    expect(client.status().tokenRequests).toBe(2);
  });

  it('when the token endpoint refuses the client, then it is reported, logged without secrets, and not asked again until the back-off ends', async () => {
    const { logger, lines } = capturedLogger();
    const clock = testClock();
    const stranger = signingKeyOf(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey, 'ES384');
    const client = new EhrFhirClient(
      sandboxConnection(t.config, { id: 'stranger-ehr', clientId: 'not-registered', signingKey: stranger }),
      logger,
      { clock: clock.now, refusalBackoffMs: 5_000 },
    );
    const first = await expectRejection(client.read('Patient', ehrPatientId(1)), EhrClientRefusedError);
    expect(first.oauthError).toBe('invalid_client');
    expect(client.status()).toMatchObject({
      state: 'refused',
      lastError: 'invalid_client',
      tokenRequests: 1,
    });

    // During the back-off no request leaves, however often the connection is used.
    for (const _ of [1, 2, 3]) {
      await expectRejection(client.read('Patient', ehrPatientId(1)), EhrClientRefusedError);
    }
    expect(client.status().tokenRequests).toBe(1);

    clock.advance(5_001);
    await expectRejection(client.read('Patient', ehrPatientId(1)), EhrClientRefusedError);
    expect(client.status().tokenRequests).toBe(2);
    // The second refusal doubles the wait.
    expect(Date.parse(client.status().nextAttemptAt!) - clock.now()).toBeGreaterThan(9_000);

    const refusals = lines
      .map((line) => JSON.parse(line))
      .filter((line) => line.message === 'EHR token endpoint refused the client');
    expect(refusals).toHaveLength(2);
    expect(refusals[0]).toMatchObject({
      connection: 'stranger-ehr',
      clientId: 'not-registered',
      error: 'invalid_client',
      refusals: 1,
    });
    expect(lines.join('\n')).not.toMatch(/eyJ|BEGIN|"d":/);
  });

  it('when the token endpoint is down, then the call fails as unavailable with its status', async () => {
    const client = sandboxEhrClient(t.config);
    await setEhrFault(t.baseUrl, { kind: 503, target: 'token', count: 1 });
    const error = await expectRejection(client.read('Patient', ehrPatientId(1)), EhrUnavailableError);
    expect(error.status).toBe(503);
    expect(client.status().state).toBe('unavailable');
    expect((await client.read('Patient', ehrPatientId(1))).id).toBe(ehrPatientId(1));
    expect(client.status().state).toBe('connected');
  });

  it('when the EHR hangs past the timeout, then the call fails as timed out', async () => {
    const client = sandboxEhrClient(t.config, { requestTimeoutMs: 300 });
    await client.tokens.get();
    await setEhrFault(t.baseUrl, { kind: 'hang', target: 'fhir', count: 1, hangMs: 3_000 });
    const error = await expectRejection(client.read('Patient', ehrPatientId(1)), EhrUnavailableError);
    expect(error.status).toBeUndefined();
    expect(error.message).toBe('read: no answer (timed out)');
  });

  it('when the EHR answers 429 with Retry-After, then the error carries the status, the wait and the OperationOutcome', async () => {
    const client = sandboxEhrClient(t.config);
    await setEhrFault(t.baseUrl, { kind: 429, target: 'fhir', count: 1, retryAfterSeconds: 7 });
    const error = await expectRejection(client.search('Patient', {}), EhrFhirError);
    expect(error).toMatchObject({
      status: 429,
      retryAfterSeconds: 7,
      outcome: { resourceType: 'OperationOutcome' },
    });
  });

  it.each([
    ['html', 502],
    ['truncated', 200],
  ] as const)(
    'when the EHR answers with %s instead of FHIR, then it is a failure (status %s), not a success',
    async (kind, status) => {
      const client = sandboxEhrClient(t.config);
      await setEhrFault(t.baseUrl, { kind, target: 'fhir', count: 1 });
      const error = await expectRejection(client.search('Patient', {}), EhrUnavailableError);
      expect(error).not.toBeInstanceOf(EhrFhirError);
      expect(error.status).toBe(status);
      expect(error.message).toBe(`search: HTTP ${status} (the answer is not FHIR)`);
    },
  );

  it('when a conditional create is repeated, then the EHR holds one resource', async () => {
    const client = sandboxEhrClient(t.config);
    const task = {
      resourceType: 'Task',
      status: 'in-progress',
      intent: 'order',
      identifier: [{ system: 'urn:peerbridge:test', value: 'once' }],
    };
    const first = await client.create(task, 'identifier=urn:peerbridge:test|once');
    const second = await client.create(task, 'identifier=urn:peerbridge:test|once');
    expect(second.id).toBe(first.id);
    const found = await client.search('Task', { identifier: 'urn:peerbridge:test|once' });
    expect(found.total).toBe(1);
  });
});

describe("PeerBridge's JWKS URL", () => {
  let t: ListeningTestApp;
  beforeAll(async () => {
    t = await startListeningTestApp([], () => ({ SANDBOX: '1' }));
  });
  afterAll(async () => {
    await t.close();
  });

  it('when nothing is configured, then it serves the public key of the automatic sandbox EHR connection, and no private member', async () => {
    const res = await fetch(`${t.baseUrl}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/jwk-set+json; charset=utf-8');
    const connection = sandboxConnection(t.config);
    expect(connection).toMatchObject({
      fhirBaseUrl: `${t.baseUrl}/sandbox/ehr/fhir`,
      tokenEndpoint: `${t.baseUrl}/sandbox/auth/token`,
      clientId: 'peerbridge-ehr-connection',
    });
    const body = (await res.json()) as { keys: Record<string, unknown>[] };
    expect(body.keys).toEqual([connection.signingKey.publicJwk]);
    expect(body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-384', alg: 'ES384', use: 'sig' });
    expect(body.keys[0]).not.toHaveProperty('d');
  });

  it('when the automatic connection asks the sandbox for a token, then it gets one for the EHR and reads the EHR', async () => {
    const client = sandboxEhrClient(t.config);
    expect((await client.read('Patient', ehrPatientId(12))).id).toBe(ehrPatientId(12));
  });
});
