import { describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { capturedLogger } from '../../../../tests/support/captured-logs.js';
import { useLocalIssuer } from '../../../../tests/support/local-issuer.js';
import { TEST_AUDIENCE } from '../../../../tests/support/test-audience.js';
import { errorHandler } from '../errors/error-handler.js';
import { firstIssuerMetadata, smartConfigurationRoute } from './discovery-routes.js';
import { TokenVerifier } from './token-verifier.js';

const issuer = useLocalIssuer();

const verifierOf = (issuers: string[]) =>
  new TokenVerifier({
    issuers,
    audiences: [TEST_AUDIENCE],
    introspectionClients: new Map(),
    untypedTokenIssuers: [],
  });

function appWith(verifier: TokenVerifier): express.Express {
  const { logger } = capturedLogger();
  const app = express();
  app.get('/fhir/.well-known/smart-configuration', smartConfigurationRoute(verifier));
  app.use(errorHandler(logger));
  return app;
}

describe('firstIssuerMetadata', () => {
  it("when issuers are configured, then the first one's metadata is returned", async () => {
    const metadata = await firstIssuerMetadata(verifierOf([issuer.url, 'http://127.0.0.1:9/other']));
    expect(metadata?.jwks_uri).toBe(`${issuer.url}/jwks`);
  });

  it('when no issuer is configured or the first cannot be reached, then there is none', async () => {
    expect(await firstIssuerMetadata(verifierOf([]))).toBeUndefined();
    issuer.answer('/auth/.well-known/openid-configuration', { status: 500 });
    expect(await firstIssuerMetadata(verifierOf([issuer.url]))).toBeUndefined();
  });
});

describe('smartConfigurationRoute', () => {
  it('when the first issuer answers, then its SMART configuration is served as JSON whatever was asked for', async () => {
    const response = await request(appWith(verifierOf([issuer.url])))
      .get('/fhir/.well-known/smart-configuration')
      .set('Accept', 'text/html');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(response.text)).toMatchObject({
      issuer: issuer.url,
      jwks_uri: `${issuer.url}/jwks`,
      code_challenge_methods_supported: ['S256'],
    });
  });

  it('when no issuer is configured, then 404 says so', async () => {
    const response = await request(appWith(verifierOf([]))).get('/fhir/.well-known/smart-configuration');
    expect(response.status).toBe(404);
    expect(response.body.issue[0].details.text).toBe(
      'No SMART authorization server is configured (SMART_ISSUERS is empty)',
    );
  });

  it('when the issuer cannot be reached, then 503 with Retry-After', async () => {
    issuer.answer('/auth/.well-known/openid-configuration', { status: 500 });
    const response = await request(appWith(verifierOf([issuer.url]))).get(
      '/fhir/.well-known/smart-configuration',
    );
    expect([response.status, response.headers['retry-after']]).toEqual([503, '5']);
  });
});
