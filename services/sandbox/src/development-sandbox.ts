import { withTrustedIssuer, type Config, type HostExtension } from '@peerbridge/shared';
import { SANDBOX_INTROSPECTION_CLIENT } from './demo-clients.js';
import { createSandboxAuthServer } from './sandbox-auth-server.js';
import { SANDBOX_MOUNT_PATH, sandboxIssuer } from './sandbox-issuer.js';

/**
 * The configuration with the sandbox trusted, when it runs (`config.sandbox`): its issuer after
 * any configured SMART_ISSUERS, with its introspection client.
 */
export function withSandboxTrust(config: Config): Config {
  return config.sandbox
    ? withTrustedIssuer(config, sandboxIssuer(config), SANDBOX_INTROSPECTION_CLIENT)
    : config;
}

/**
 * The sandbox as the development host runs it: trusted as an issuer and mounted at
 * /sandbox/auth, before helmet and the body parsers (oidc-provider sets its own headers and reads
 * its own bodies), when `config.sandbox` is on.
 */
export const developmentSandbox: HostExtension = {
  name: 'sandbox',
  configure: withSandboxTrust,
  router: (config, logger) =>
    config.sandbox
      ? { path: SANDBOX_MOUNT_PATH, router: createSandboxAuthServer(config, logger) }
      : undefined,
};
