import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';

// The development host's real main.ts as its own process: a bad EHR connection stops it before
// it opens the database or listens, with the setting named and the key nowhere in its output.

const KEY = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'jwk' });

async function startWith(connections: unknown[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/gateway/src/main.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      DATABASE_URL: '',
      DATA_DIR: '/nonexistent',
      EHR_CONNECTIONS: JSON.stringify(connections),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  child.stderr!.on('data', (chunk) => (output += String(chunk)));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}

const connection = {
  id: 'clinic-a',
  fhirBaseUrl: 'https://ehr.example/fhir',
  clientId: 'peerbridge',
  privateKey: KEY,
  alg: 'ES384',
};

describe('start-up with EHR_CONNECTIONS', () => {
  it.each([
    [
      'an unknown algorithm',
      { ...connection, alg: 'HS256' },
      'EHR_CONNECTIONS[clinic-a].alg must be one of RS384, ES384',
    ],
    [
      'a malformed URL',
      { ...connection, fhirBaseUrl: 'ehr.example' },
      'EHR_CONNECTIONS[clinic-a].fhirBaseUrl must be an absolute http(s) URL',
    ],
    [
      'a key of the wrong kind',
      { ...connection, alg: 'RS384' },
      'EHR_CONNECTIONS[clinic-a].privateKey does not suit RS384',
    ],
  ])(
    'when a connection has %s, then the process refuses to start, names the setting and prints no key',
    async (_case, bad, message) => {
      const { code, output } = await startWith([bad]);
      expect(code).not.toBe(0);
      expect(output).toContain(message);
      expect(output).not.toContain(KEY.d!);
      expect(output).not.toContain('listening');
    },
  );
});
