import express, { type Express } from 'express';
import helmet from 'helmet';
import { ProgramAdministrators } from '../access/program-administrators.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import { errorHandler, unknownRoute } from '../errors/error-handler.js';
import type { EventBus } from '../events/event-bus.js';
import { eventsAdminApi } from '../events/http/events-admin-api.js';
import { capabilityStatement } from '../fhir/http/capability-statement.js';
import { FHIR_JSON, fhirMediaTypes, sendFhir } from '../fhir/http/media-type.js';
import { accessLog } from '../logging/access-log.js';
import { SEARCH_LIMITS } from '../fhir/search/search-request.js';
import { authenticate } from '../auth/authenticate.js';
import { firstIssuerMetadata, smartConfigurationRoute } from '../auth/discovery-routes.js';
import { restSecurity } from '../auth/smart-configuration.js';
import { TokenVerifier } from '../auth/token-verifier.js';
import type { Logger } from '../logging/logger.js';
import { ResourceValidator } from '../fhir/validation/resource-validator.js';
import { EHR_CLIENT_JWKS_PATH, ehrClientJwks } from './ehr-client-jwks.js';
import type { HostExtension } from './host-extension.js';
import { corsEnabled, crossOrigin } from './cross-origin.js';
import type { ServiceModule } from './service-module.js';
import { storableJsonText } from './storable-text.js';
import { withinMs } from './time-limit.js';

export interface AppOptions {
  readonly config: Config;
  readonly db: Database;
  readonly logger: Logger;
  readonly validator: ResourceValidator;
  readonly services: readonly ServiceModule[];
  /** Answers false once shutdown has begun, so /readyz takes the instance out of rotation. */
  readonly isAcceptingTraffic?: () => boolean;
  /** Verifies bearer tokens; by default one for config.smart. Authorization itself is never optional. */
  readonly tokenVerifier?: TokenVerifier;
  /** What the host runs beside the services, e.g. the development sandbox; config already has their changes. */
  readonly extensions?: readonly HostExtension[];
  /** The process's job queue; with it, the events admin API is served at /api/events. */
  readonly eventBus?: EventBus;
}

const VERSION = '0.1.0';

/** /readyz answers within this, whatever the database or its pool are doing. */
const READINESS_TIMEOUT_MS = 1000;

/**
 * Builds the Express app for one or more services: hardening, access log, body parsing, health
 * endpoints, one CapabilityStatement, each service's routes, and one error handler. It does not
 * listen; main.ts does, and tests use the app directly.
 */
export function createApp(options: AppOptions): Express {
  const { config, db, logger, services } = options;
  const app = express();
  app.disable('x-powered-by');
  // An ETag here names a resource version (W/"<versionId>", set by the FHIR routes), which
  // If-Match takes; Express's default content hash on every other body would look like one.
  app.set('etag', false);
  app.use(accessLog(logger));
  for (const extension of options.extensions ?? []) {
    const mounted = extension.router?.(config, logger);
    if (mounted) {
      app.use(mounted.path, mounted.router);
    }
  }
  app.use(helmet());
  // Before authentication: a browser's preflight carries no token.
  app.use(['/fhir', '/api'], crossOrigin(config.cors));
  // Before body parsing, so an unauthenticated caller cannot make the server parse a large body.
  const verifier = options.tokenVerifier ?? new TokenVerifier(config.smart);
  app.use(authenticate(verifier, logger));
  app.use(
    express.json({
      limit: config.bodyLimitBytes,
      type: [FHIR_JSON, 'application/json', 'application/json+fhir'],
    }),
  );
  app.use(storableJsonText);
  app.use(
    express.urlencoded({
      limit: config.bodyLimitBytes,
      extended: false,
      parameterLimit: SEARCH_LIMITS.parameters,
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const accepting = options.isAcceptingTraffic?.() ?? true;
    // A late or failed answer is "not ready", and is not waited for.
    const query = db.query('SELECT 1').then(
      () => true,
      () => false,
    );
    const databaseUp = await withinMs(query, READINESS_TIMEOUT_MS, false);
    res
      .status(accepting && databaseUp ? 200 : 503)
      .json({ status: accepting && databaseUp ? 'ready' : 'unavailable' });
  });

  const resources = services.flatMap((service) => service.resources);
  const date = new Date().toISOString();
  app.get('/fhir/metadata', fhirMediaTypes, async (_req, res) => {
    const security = restSecurity(await firstIssuerMetadata(verifier), corsEnabled(config.cors));
    const metadata = capabilityStatement(resources, {
      baseUrl: config.publicBaseUrl,
      version: VERSION,
      date,
      security,
    });
    sendFhir(res, 200, metadata);
  });
  app.get('/fhir/.well-known/smart-configuration', smartConfigurationRoute(verifier));
  app.get(EHR_CLIENT_JWKS_PATH, ehrClientJwks(config.ehrConnections));

  if (options.eventBus) {
    // Every service keeps the program's coordinators in its schema: any one of them will do.
    const administrators = new ProgramAdministrators(db, services[0]!.schema, config.publicBaseUrl);
    app.use(
      '/api/events',
      eventsAdminApi({ bus: options.eventBus, publicBaseUrl: config.publicBaseUrl, administrators }),
    );
  }
  for (const service of services) {
    app.use(service.createRouter({ config, db, logger, validator: options.validator }));
  }

  app.use(unknownRoute);
  app.use(errorHandler(logger));
  return app;
}
