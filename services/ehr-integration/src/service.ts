import {
  EVENT_MIGRATIONS,
  eventWorkers,
  FHIR_STORE_MIGRATIONS,
  fhirRouter,
  loadOpenApiDocument,
  ProgramAdministrators,
  Repositories,
  type EhrConnection,
  type ServiceContext,
  type ServiceModule,
  type Workers,
} from '@peerbridge/shared';
import { Router } from 'express';
import { EHR_INTEGRATION_RESOURCES } from './fhir/resource-definitions.js';
import { ehrAdminApi } from './http/ehr-admin-api.js';
import { EHR_INTEGRATION_OPENAPI_PATH } from './http/ehr-integration-contract.js';
import { EhrFhirClient } from './smart-client/ehr-fhir-client.js';
import { EHR_INTEGRATION_MIGRATIONS } from './store/migrations.js';
import { EHR_INTEGRATION_SCHEMA } from './workflow/intake-events.js';
import { IntakePoller } from './workflow/intake-poll.js';
import { intakeWorkers } from './workflow/intake-workers.js';
import { patientAudience } from './workflow/patient-audience.js';
import { writeBackConsumer } from './workflow/write-back-consumer.js';
import { WriteBackDeliverer } from './workflow/write-back-delivery.js';
import { writeBackWorkers } from './workflow/write-back-workers.js';

/** The intake worker's system principal: what it writes (patient copies) is attributed to it. */
export const INTAKE_WORKER = 'ehr-integration.intake';

function ehrRepositories({ config, db, validator }: ServiceContext): Repositories {
  return new Repositories({
    db,
    schema: EHR_INTEGRATION_SCHEMA,
    definitions: EHR_INTEGRATION_RESOURCES,
    validator,
    baseUrl: config.publicBaseUrl,
    audience: patientAudience,
  });
}

/**
 * The intake of one connection, as its worker runs it; tests build one to trigger a poll
 * directly instead of waiting for the interval.
 */
export function intakePoller(
  context: ServiceContext,
  connection: EhrConnection,
  client = new EhrFhirClient(connection, context.logger),
  pageSize?: number,
): IntakePoller {
  return new IntakePoller(
    context.db,
    client,
    ehrRepositories(context).forSystem(INTAKE_WORKER),
    context.logger,
    pageSize,
  );
}

/**
 * The write-back deliverer of one connection, as its worker runs it; tests build one to deliver
 * directly instead of waiting for the interval.
 */
export function writeBackDeliverer(
  context: ServiceContext,
  connection: EhrConnection,
  client = new EhrFhirClient(connection, context.logger),
): WriteBackDeliverer {
  return new WriteBackDeliverer(context.db, client, context.config.writeBack, context.logger);
}

/**
 * The ehr-integration service: PeerBridge as a client of clinic EHRs. It takes referrals in
 * from each connection's EHR (asking the referral service for each by an event), keeps a
 * read-only copy of each referred patient's demographics served at /fhir/Patient, writes back to
 * each EHR what PeerBridge does for its referrals (docs/adr/0016), and serves its admin API at
 * /api/ehr-integration (openapi/ehr-integration.yaml).
 */
export const ehrIntegrationService: ServiceModule = {
  name: 'ehr-integration',
  schema: EHR_INTEGRATION_SCHEMA,
  migrations: [FHIR_STORE_MIGRATIONS, EVENT_MIGRATIONS, EHR_INTEGRATION_MIGRATIONS],
  resources: EHR_INTEGRATION_RESOURCES,
  createRouter(context) {
    const { config, db, validator } = context;
    const router = Router();
    router.use(
      '/api/ehr-integration',
      ehrAdminApi({
        db,
        connections: config.ehrConnections,
        document: loadOpenApiDocument(EHR_INTEGRATION_OPENAPI_PATH, config.publicBaseUrl),
        administrators: new ProgramAdministrators(db, EHR_INTEGRATION_SCHEMA, config.publicBaseUrl),
      }),
    );
    router.use(
      fhirRouter({
        baseUrl: config.publicBaseUrl,
        definitions: EHR_INTEGRATION_RESOURCES,
        repositories: ehrRepositories(context),
        validator,
      }),
    );
    return router;
  },
  workers(context): Workers {
    const events = eventWorkers({
      service: 'ehr-integration',
      schema: EHR_INTEGRATION_SCHEMA,
      db: context.db,
      bus: context.bus,
      logger: context.logger,
      consumers: [writeBackConsumer(context.config.ehrConnections)],
    });
    const writeBack = writeBackWorkers(
      context.config.ehrConnections
        .filter((connection) => connection.writeBack.length > 0)
        .map((connection) => writeBackDeliverer(context, connection)),
      context.config.writeBack,
      context.logger,
    );
    const intake = intakeWorkers(
      context.config.ehrConnections.map((connection) => intakePoller(context, connection)),
      context.logger,
    );
    return {
      async start() {
        await events.start();
        await intake.start();
        await writeBack.start();
      },
      async stop() {
        await Promise.all([intake.stop(), writeBack.stop(), events.stop()]);
      },
    };
  },
};
