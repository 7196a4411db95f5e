import express, { type Router } from 'express';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';
import type { JSONWebKeySet } from 'jose';
import { loadR4ResourceType, type Logger } from '@peerbridge/shared';
import { ehrAccess } from './ehr-access.js';
import {
  EHR_RESOURCE_TYPES,
  ehrCapabilityStatement,
  ehrSmartConfiguration,
} from './ehr-capability-statement.js';
import { ehrDemoData } from './ehr-demo-data.js';
import { EhrFaults, ehrFaultControl } from './ehr-faults.js';
import { fhirRouterHandler } from './ehr-fhir-handler.js';
import { ehrLaunchPage } from './ehr-launch-page.js';

export interface SandboxEhrOptions {
  /** `{PUBLIC_BASE_URL}/sandbox/ehr/fhir`. */
  readonly fhirBaseUrl: string;
  /** PeerBridge's FHIR API, which the launch page sends apps to. */
  readonly peerBridgeFhirBaseUrl: string;
  /** The sandbox authorization server's issuer and public keys. */
  readonly issuer: string;
  readonly jwks: JSONWebKeySet;
  readonly faults: EhrFaults;
  readonly logger: Logger;
}

export interface SandboxEhr {
  readonly router: Router;
  /** The EHR's data, for tests that look at what PeerBridge wrote. */
  readonly repository: MemoryRepository;
}

/**
 * A stand-in EHR for development, demos and tests: Medplum's own FHIR server code (its router
 * and in-memory repository) behind SMART tokens for the EHR's audience, seeded with demo data,
 * with a launch page and a fault control. Its data lives in the process: a restart reseeds it.
 */
export function createSandboxEhr(options: SandboxEhrOptions): SandboxEhr {
  EHR_RESOURCE_TYPES.forEach((type) => loadR4ResourceType(type));
  const repository = new MemoryRepository();
  // Seeding keeps the demo data's own ids; requests wait for it.
  const seeded = repository.withSeeding(async () => {
    for (const resource of ehrDemoData()) {
      await repository.createResource(resource);
    }
  });
  const fhirRouter = new FhirRouter();
  const date = new Date().toISOString();

  const router = express.Router();
  router.use((_req, _res, next) => {
    seeded.then(() => next(), next);
  });
  router.use(ehrFaultControl(options.faults));
  router.use(ehrLaunchPage(repository, options.peerBridgeFhirBaseUrl));
  const fhir = express.Router();
  fhir.use(options.faults.middleware('fhir'));
  fhir.get('/metadata', (_req, res) => {
    res.type('application/fhir+json').send(ehrCapabilityStatement(options.fhirBaseUrl, options.issuer, date));
  });
  fhir.get('/.well-known/smart-configuration', (_req, res) => {
    res.json(ehrSmartConfiguration(options.issuer));
  });
  fhir.use(ehrAccess({ issuer: options.issuer, jwks: options.jwks, audience: options.fhirBaseUrl }));
  fhir.use(express.json({ type: ['application/fhir+json', 'application/json'], limit: '5mb' }));
  fhir.use(fhirRouterHandler(fhirRouter, repository, options.fhirBaseUrl));
  fhir.use(((error: { type?: unknown; name?: string }, _req, res, _next) => {
    // A body that is not JSON is the client's error; its parser's message quotes the body.
    if (error.type === 'entity.parse.failed' || error.type === 'entity.too.large') {
      res
        .status(error.type === 'entity.too.large' ? 413 : 400)
        .type('application/fhir+json')
        .send({
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'structure', diagnostics: 'the body is not JSON' }],
        });
      return;
    }
    // By name only: a message may quote a resource.
    options.logger.error('sandbox EHR error', { error: { name: error.name } });
    res
      .status(500)
      .type('application/fhir+json')
      .send({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'exception' }],
      });
  }) as express.ErrorRequestHandler);
  router.use('/fhir', fhir);
  return { router, repository };
}
