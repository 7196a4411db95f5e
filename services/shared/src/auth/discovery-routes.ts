import type { RequestHandler } from 'express';
import { notFound } from '../errors/operation-outcome-error.js';
import { issuerUnavailable } from './auth-errors.js';
import type { IssuerMetadata } from './issuer-metadata.js';
import { smartConfiguration } from './smart-configuration.js';
import type { TokenVerifier } from './token-verifier.js';

/**
 * The first trusted issuer's metadata, or undefined when none is configured or it cannot be
 * reached right now (the CapabilityStatement is then served without the oauth-uris extension
 * rather than failing, and the next request asks the issuer again).
 */
export async function firstIssuerMetadata(verifier: TokenVerifier): Promise<IssuerMetadata | undefined> {
  return verifier.issuers[0]?.metadata().catch(() => undefined);
}

/** `/fhir/.well-known/smart-configuration`: always JSON, whatever the Accept header says. */
export function smartConfigurationRoute(verifier: TokenVerifier): RequestHandler {
  return async (_req, res) => {
    const issuer = verifier.issuers[0];
    if (!issuer) {
      throw notFound('No SMART authorization server is configured (SMART_ISSUERS is empty)');
    }
    const metadata = await issuer.metadata().catch(() => {
      throw issuerUnavailable();
    });
    res.type('application/json').send(JSON.stringify(smartConfiguration(metadata)));
  };
}
