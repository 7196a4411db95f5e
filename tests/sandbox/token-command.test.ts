import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { DemoTokenError, runTokenCommand } from '@peerbridge/sandbox';
import { startListeningTestApp, type ListeningTestApp } from '../support/test-app.js';

describe('npm run token', () => {
  let baseUrl: string;
  let t: ListeningTestApp;
  beforeAll(async () => {
    // The real app, listening: the command talks HTTP.
    t = await startListeningTestApp([], { SANDBOX: '1' });
    baseUrl = t.baseUrl;
  });
  afterAll(async () => {
    await t.close();
  });

  it('when run as a clinician with a patient, then it prints an access token for that patient from the running sandbox', async () => {
    const token = await runTokenCommand(['--as', 'clinician', '--patient', 'pat-42', '--url', baseUrl], {});
    expect(decodeJwt(token)).toMatchObject({
      iss: `${baseUrl}/sandbox/auth`,
      aud: `${baseUrl}/fhir`,
      sub: 'clinician',
      fhirUser: 'Practitioner/demo-clinician',
      patient: 'pat-42',
      scope: 'launch openid fhirUser patient/*.cruds',
    });
  });

  it('when run as the backend with a system scope, then it prints a backend services token', async () => {
    const token = await runTokenCommand(['--as', 'backend', '--scope', 'system/*.*', '--url', baseUrl], {});
    expect(decodeJwt(token)).toMatchObject({ sub: 'peerbridge-demo-backend', scope: 'system/*.*' });
  });

  it('when run with --json, then it prints the whole token response with the launch context', async () => {
    const output = await runTokenCommand(
      ['--as', 'peer-supporter', '--patient', 'pat-7', '--json', '--url', baseUrl],
      {},
    );
    expect(JSON.parse(output)).toMatchObject({
      patient: 'pat-7',
      token_type: 'Bearer',
      need_patient_banner: false,
    });
  });

  it('when run --in-process, then it mints a token from its own throwaway sandbox', async () => {
    const token = await runTokenCommand(['--as', 'coordinator', '--in-process'], {});
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: 'coordinator', fhirUser: 'Practitioner/demo-coordinator' });
    expect(claims.iss).not.toBe(`${baseUrl}/sandbox/auth`);
  });

  it('when --as names no demo user, then it fails with a message', async () => {
    await expect(runTokenCommand(['--as', 'nobody', '--url', baseUrl], {})).rejects.toThrow(DemoTokenError);
  });

  it('when no --as is given, then it prints the usage', async () => {
    expect(await runTokenCommand([], {})).toContain('npm run token -- --as clinician --patient <id>');
  });
});
