import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import express from 'express';
import { createLogger, parseConfig } from '@peerbridge/shared';
import { DemoTokenError, fetchDemoToken } from './demo-token.js';
import { SANDBOX_MOUNT_PATH, createSandboxAuthServer, sandboxIssuer } from './sandbox-auth-server.js';

export const TOKEN_COMMAND_USAGE = `Prints a sandbox access token for demos.

  npm run token -- --as clinician --patient <id> [--encounter <id>] [--scope "<scopes>"]
  npm run token -- --as peer-supporter|coordinator [--scope "<scopes>"]
  npm run token -- --as backend [--scope "system/*.rs"]

Options:
  --url <base>     PeerBridge base URL running the sandbox (default: PUBLIC_BASE_URL, else http://localhost:8080)
  --in-process     start a throwaway sandbox inside this command instead (its tokens die with it)
  --json           print the whole token response, not just the access token
`;

/**
 * `npm run token`: runs the real flow against a sandbox and returns what to print. Throws
 * DemoTokenError with a message for the user when the arguments or the flow fail.
 */
export async function runTokenCommand(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): Promise<string> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      as: { type: 'string' },
      patient: { type: 'string' },
      encounter: { type: 'string' },
      scope: { type: 'string' },
      url: { type: 'string' },
      'in-process': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help || !values.as) {
    return TOKEN_COMMAND_USAGE;
  }
  const sandbox = values['in-process'] ? await startInProcessSandbox() : undefined;
  try {
    const baseUrl = sandbox?.baseUrl ?? values.url ?? parseConfig(env, { port: 8080 }).publicBaseUrl;
    const response = await fetchDemoToken({
      issuer: sandboxIssuer({ publicBaseUrl: baseUrl.replace(/\/$/, '') }),
      as: values.as,
      patient: values.patient,
      encounter: values.encounter,
      scope: values.scope,
    });
    return values.json ? JSON.stringify(response, null, 2) : response.access_token;
  } finally {
    await sandbox?.close();
  }
}

/** A sandbox on a free local port, for trying the flows without starting PeerBridge. */
async function startInProcessSandbox(): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const app = express();
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = parseConfig({ PUBLIC_BASE_URL: baseUrl, SANDBOX: '1', LOG_LEVEL: 'error' }, { port: 0 });
  app.use(
    SANDBOX_MOUNT_PATH,
    createSandboxAuthServer(config, createLogger({ level: 'error', service: 'token' })),
  );
  return {
    baseUrl,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

export { DemoTokenError };
