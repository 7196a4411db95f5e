import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, parseConfig } from './config.js';
import { parseEhrConnections } from './ehr-connections.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
const RSA_PEM = rsa.export({ format: 'pem', type: 'pkcs8' }) as string;
const EC_JWK = ec.export({ format: 'jwk' });

function connection(overrides: Record<string, unknown> = {}) {
  return {
    id: 'clinic-a',
    fhirBaseUrl: 'https://ehr.example/fhir/',
    tokenEndpoint: 'https://ehr.example/auth/token',
    clientId: 'peerbridge',
    privateKey: EC_JWK,
    alg: 'ES384',
    ...overrides,
  };
}

function refusal(value: unknown): string {
  try {
    parseEhrConnections(typeof value === 'string' ? value : JSON.stringify(value));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('EHR_CONNECTIONS', () => {
  it('when it is not set, then there are no connections', () => {
    expect(parseConfig({}, { port: 1 }).ehrConnections).toEqual([]);
  });

  it('when a connection has a PEM RS384 key and no optional fields, then the defaults fill them in', () => {
    const [parsed] = parseEhrConnections(
      JSON.stringify([connection({ privateKey: RSA_PEM, alg: 'RS384', tokenEndpoint: undefined })]),
    );
    expect(parsed).toMatchObject({
      id: 'clinic-a',
      fhirBaseUrl: 'https://ehr.example/fhir',
      tokenEndpoint: undefined,
      clientId: 'peerbridge',
      scopes: ['system/Patient.rs', 'system/ServiceRequest.rs', 'system/Task.cruds'],
      writeBack: [],
      intake: { mode: 'service-request', intervalSeconds: 60 },
      requestTimeoutMs: 10_000,
    });
    expect(parsed!.signingKey.alg).toBe('RS384');
    expect(parsed!.signingKey.publicJwk).toMatchObject({ kty: 'RSA', alg: 'RS384', use: 'sig' });
    expect(parsed!.signingKey.publicJwk).not.toHaveProperty('d');
    expect(parsed!.signingKey.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('when a connection has a JWK ES384 key, scopes, write-back types and intake, then they are kept', () => {
    const [parsed] = parseEhrConnections(
      JSON.stringify([
        connection({
          kid: 'key-1',
          scopes: 'system/Task.cruds system/Patient.rs',
          writeBack: ['Task', 'CareTeam'],
          intake: { mode: 'task', intervalSeconds: 30, owner: 'Organization/peer-support' },
        }),
      ]),
    );
    expect(parsed).toMatchObject({
      scopes: ['system/Task.cruds', 'system/Patient.rs'],
      writeBack: ['Task', 'CareTeam'],
      intake: { mode: 'task', intervalSeconds: 30, owner: 'Organization/peer-support' },
    });
    expect(parsed!.signingKey.publicJwk).toMatchObject({
      kty: 'EC',
      crv: 'P-384',
      kid: 'key-1',
      alg: 'ES384',
    });
  });

  it('when it names a file, then the connections are read from it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ehr-connections-')), 'connections.json');
    writeFileSync(file, JSON.stringify([connection()]));
    expect(parseEhrConnections(file).map((parsed) => parsed.id)).toEqual(['clinic-a']);
  });

  it('when a connection is logged, then its private key does not show', () => {
    const [parsed] = parseEhrConnections(JSON.stringify([connection()]));
    const printed = `${inspect(parsed, { depth: 10 })}${JSON.stringify(parsed)}`;
    expect(printed).not.toContain(EC_JWK.d!);
  });

  it.each([
    [
      'the key is missing',
      connection({ privateKey: undefined }),
      'EHR_CONNECTIONS[clinic-a].privateKey is required (a private JWK or PEM)',
    ],
    [
      'the algorithm is unknown',
      connection({ alg: 'HS256' }),
      'EHR_CONNECTIONS[clinic-a].alg must be one of RS384, ES384',
    ],
    [
      'the FHIR URL is malformed',
      connection({ fhirBaseUrl: 'ehr.example/fhir' }),
      'EHR_CONNECTIONS[clinic-a].fhirBaseUrl must be an absolute http(s) URL',
    ],
    [
      'the token URL is malformed',
      connection({ tokenEndpoint: 'not a url' }),
      'EHR_CONNECTIONS[clinic-a].tokenEndpoint must be an absolute http(s) URL',
    ],
    [
      'the client id is missing',
      connection({ clientId: '' }),
      'EHR_CONNECTIONS[clinic-a].clientId is required',
    ],
    [
      'the key does not suit the algorithm',
      connection({ alg: 'RS384' }),
      'EHR_CONNECTIONS[clinic-a].privateKey does not suit RS384 (an RSA key of at least 2048 bits)',
    ],
    [
      'the intake mode is unknown',
      connection({ intake: { mode: 'push' } }),
      'EHR_CONNECTIONS[clinic-a].intake.mode must be one of service-request, task, off',
    ],
    [
      'the intake polls Tasks without naming their owner',
      connection({ intake: { mode: 'task' } }),
      'EHR_CONNECTIONS[clinic-a].intake.owner is required when intake.mode is task (Task?owner= polls for it)',
    ],
    [
      'the intake owner is not an Organization',
      connection({ intake: { mode: 'task', owner: 'Practitioner/1' } }),
      'EHR_CONNECTIONS[clinic-a].intake.owner must reference an Organization, e.g. Organization/peer-support',
    ],
    [
      'write-back names a type PeerBridge does not write',
      connection({ writeBack: ['Task', 'Patient'] }),
      'EHR_CONNECTIONS[clinic-a].writeBack names Patient; PeerBridge writes back Task, CareTeam, Encounter, Procedure, QuestionnaireResponse, Observation, Flag, Communication',
    ],
    ['an id is used twice', [connection(), connection()][0], undefined],
  ])('when %s, then start-up is refused with a message naming the setting', (_case, value, message) => {
    if (message === undefined) {
      expect(refusal([value, value])).toBe('EHR_CONNECTIONS names the connection clinic-a twice');
      return;
    }
    expect(refusal([value])).toBe(message);
  });

  it('when the key is not a key, then the message names the setting and does not quote the value', () => {
    const secret = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC-secret-looking';
    const message = refusal([
      connection({ privateKey: `-----BEGIN PRIVATE KEY-----\n${secret}\n-----END PRIVATE KEY-----` }),
    ]);
    expect(message).toBe('EHR_CONNECTIONS[clinic-a].privateKey is not a private key (a private JWK or PEM)');
    expect(message).not.toContain(secret);
  });

  it('when the JSON is malformed, then the message does not quote it', () => {
    const message = refusal(`[{"privateKey": "${RSA_PEM.slice(40, 80)}"`);
    expect(message).toBe('EHR_CONNECTIONS is not valid JSON');
  });

  it('when the value is neither JSON nor a file, then start-up is refused', () => {
    expect(refusal('/nowhere/connections.json')).toBe('EHR_CONNECTIONS is neither JSON nor a readable file');
  });

  it('when parseConfig reads a bad connection, then it throws the ConfigError', () => {
    expect(() =>
      parseConfig({ EHR_CONNECTIONS: JSON.stringify([connection({ alg: 'none' })]) }, { port: 1 }),
    ).toThrow('EHR_CONNECTIONS[clinic-a].alg must be one of RS384, ES384');
  });
});
