import { createPublicKey, type JsonWebKey } from 'node:crypto';
import express from 'express';
import type { JWK as JoseJwk } from 'jose';
import type { JWK } from 'oidc-provider';
import { withTrustedIssuer, type Config, type HostExtension, type Logger } from '@peerbridge/shared';
import { SANDBOX_INTROSPECTION_CLIENT } from './demo-clients.js';
import { startDemoRoster } from './demo-roster.js';
import { EhrFaults } from './ehr/ehr-faults.js';
import { createSandboxEhr } from './ehr/sandbox-ehr.js';
import { createSandboxAuthServer } from './sandbox-auth-server.js';
import { sandboxBackendClients, withSandboxEhrConnection } from './sandbox-ehr-connection.js';
import { sandboxEhrBaseUrl, sandboxIssuer } from './sandbox-issuer.js';
import { generateSigningKey } from './signing-key.js';

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
 * The sandbox as the development host runs it, when `config.sandbox` is on: trusted as an
 * issuer, with a connection to the sandbox EHR unless EHR_CONNECTIONS names some, and mounted at
 * /sandbox — the authorization server at /sandbox/auth and the EHR at /sandbox/ehr — before
 * helmet and the body parsers (oidc-provider sets its own headers and reads its own bodies).
 * Once the host listens, it puts the demo peer supporter and coordinator on the roster.
 */
export const developmentSandbox: HostExtension = {
  name: 'sandbox',
  configure: (config) => withSandboxEhrConnection(withSandboxTrust(config)),
  router: (config, logger) =>
    config.sandbox ? { path: '/sandbox', router: sandboxRouter(config, logger) } : undefined,
  started: async (config, logger) => {
    if (config.sandbox) {
      await startDemoRoster(config, logger);
    }
  },
};

function sandboxRouter(config: Config, logger: Logger): express.Router {
  const signingKey = generateSigningKey();
  const faults = new EhrFaults();
  const ehr = createSandboxEhr({
    fhirBaseUrl: sandboxEhrBaseUrl(config),
    peerBridgeFhirBaseUrl: `${config.publicBaseUrl}/fhir`,
    issuer: sandboxIssuer(config),
    jwks: { keys: [publicJwk(signingKey)] },
    faults,
    logger,
  });
  const router = express.Router();
  // "The token endpoint is down" is a fault the EHR's tests ask for too.
  router.post('/auth/token', faults.middleware('token'));
  router.use(
    '/auth',
    createSandboxAuthServer(config, logger, { signingKey, backendClients: sandboxBackendClients(config) }),
  );
  router.use('/ehr', ehr.router);
  return router;
}

function publicJwk(signingKey: JWK): JoseJwk {
  const jwk = createPublicKey({ key: signingKey as JsonWebKey, format: 'jwk' }).export({ format: 'jwk' });
  return { ...jwk, kid: signingKey.kid, alg: 'RS256', use: 'sig' } as JoseJwk;
}
