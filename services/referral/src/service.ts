import {
  EVENT_MIGRATIONS,
  eventWorkers,
  FHIR_STORE_MIGRATIONS,
  fhirRouter,
  IDEMPOTENCY_KEY_MIGRATIONS,
  IdempotencyKeys,
  idempotencyKeyPurgeJob,
  loadOpenApiDocument,
  Repositories,
  type ServiceContext,
  type ServiceModule,
} from '@peerbridge/shared';
import { Router } from 'express';
import { REFERRAL_RESOURCES } from './fhir/resource-definitions.js';
import { referralWriteHandlers } from './http/fhir-write-handlers.js';
import { referralApi } from './http/referral-api.js';
import { REFERRAL_OPENAPI_PATH } from './http/referral-contract.js';
import { FhirReferralUpdates } from './workflow/fhir-referral-updates.js';
import { ReferralWorkflow } from './workflow/referral-workflow.js';
import { REFERRAL_SCHEMA, ReferralWrites } from './workflow/referral-writes.js';
import { REFERRAL_MIGRATIONS } from './store/migrations.js';
import { sessionOutcomesConsumer } from './workflow/session-outcomes-consumer.js';
import { ehrIntakeConsumer } from './workflow/ehr-intake-consumer.js';

const SCHEMA = REFERRAL_SCHEMA;

/**
 * The peer support program that owns a referral's Task when the referral names none. One
 * program per deployment for now; the care-team service will bring the roster of programs.
 */
export const DEFAULT_PROGRAM = 'Organization/peer-support-program';

function referralRepositories({ config, db, validator }: ServiceContext): Repositories {
  return new Repositories({
    db,
    schema: SCHEMA,
    definitions: REFERRAL_RESOURCES,
    validator,
    baseUrl: config.publicBaseUrl,
  });
}

function referralWorkflow({ config, db }: ServiceContext): ReferralWorkflow {
  const idempotencyKeys = new IdempotencyKeys(SCHEMA, { ttlHours: config.idempotencyKeyTtlHours });
  return new ReferralWorkflow(db, new ReferralWrites(DEFAULT_PROGRAM), idempotencyKeys);
}

/** The referral service: referrals and their closed-loop lifecycle (ServiceRequest + Task). */
export const referralService: ServiceModule = {
  name: 'referral',
  schema: SCHEMA,
  // The idempotency keys' and the event tables before the referral's own migrations: its 002
  // moves its old idempotency keys, its 003 its old outbox, into them.
  migrations: [FHIR_STORE_MIGRATIONS, IDEMPOTENCY_KEY_MIGRATIONS, EVENT_MIGRATIONS, REFERRAL_MIGRATIONS],
  resources: REFERRAL_RESOURCES,
  createRouter(context) {
    const { config, db, validator } = context;
    const repositories = referralRepositories(context);
    const writes = new ReferralWrites(DEFAULT_PROGRAM);
    const workflow = referralWorkflow(context);
    const router = Router();
    router.use(
      '/api/referral',
      referralApi({
        workflow,
        repositories,
        document: loadOpenApiDocument(REFERRAL_OPENAPI_PATH, config.publicBaseUrl),
        baseUrl: config.publicBaseUrl,
      }),
    );
    router.use(
      fhirRouter({
        baseUrl: config.publicBaseUrl,
        definitions: REFERRAL_RESOURCES,
        repositories,
        validator,
        writeHandlers: referralWriteHandlers(workflow, new FhirReferralUpdates(db, writes)),
      }),
    );
    return router;
  },
  workers: (context) =>
    eventWorkers({
      service: 'referral',
      schema: SCHEMA,
      db: context.db,
      bus: context.bus,
      logger: context.logger,
      // Sessions logged, missed or cancelled in the encounter service move the referral's Task;
      // referrals the ehr-integration service took in from an EHR become referrals here.
      consumers: [
        sessionOutcomesConsumer(new ReferralWrites(DEFAULT_PROGRAM)),
        ehrIntakeConsumer(referralWorkflow(context)),
      ],
      repositories: referralRepositories(context),
      // Expired Idempotency-Keys no longer replay; this hourly job removes their rows.
      scheduled: [
        idempotencyKeyPurgeJob(
          new IdempotencyKeys(SCHEMA, { ttlHours: context.config.idempotencyKeyTtlHours }),
          context.db,
          context.logger,
        ),
      ],
    }),
};
