import {
  EVENT_MIGRATIONS,
  eventWorkers,
  FHIR_STORE_MIGRATIONS,
  fhirRouter,
  ResourceStore,
  type ServiceModule,
} from '@peerbridge/shared';
import { Router } from 'express';
import { REFERRAL_RESOURCES } from './fhir/resource-definitions.js';
import { referralDocs } from './http/docs.js';
import { referralWriteHandlers } from './http/fhir-write-handlers.js';
import { loadOpenApiDocument } from './http/openapi-document.js';
import { referralApi } from './http/referral-api.js';
import { FhirReferralUpdates } from './workflow/fhir-referral-updates.js';
import { ReferralWorkflow } from './workflow/referral-workflow.js';
import { REFERRAL_SCHEMA, ReferralWrites } from './workflow/referral-writes.js';
import { REFERRAL_MIGRATIONS } from './store/migrations.js';

const SCHEMA = REFERRAL_SCHEMA;

/**
 * The peer support program that owns a referral's Task when the referral names none. One
 * program per deployment for now; the care-team service will bring the roster of programs.
 */
export const DEFAULT_PROGRAM = 'Organization/peer-support-program';

/** The referral service: referrals and their closed-loop lifecycle (ServiceRequest + Task). */
export const referralService: ServiceModule = {
  name: 'referral',
  schema: SCHEMA,
  // The event tables before the referral's own: its migration 002 moves its old outbox into them.
  migrations: [FHIR_STORE_MIGRATIONS, EVENT_MIGRATIONS, REFERRAL_MIGRATIONS],
  resources: REFERRAL_RESOURCES,
  createRouter({ config, db, validator }) {
    const store = new ResourceStore(
      db,
      SCHEMA,
      new Map(REFERRAL_RESOURCES.map((definition) => [definition.type, definition])),
      config.publicBaseUrl,
    );
    const writes = new ReferralWrites(store, validator, DEFAULT_PROGRAM);
    const workflow = new ReferralWorkflow(db, store, writes);
    const document = loadOpenApiDocument(config.publicBaseUrl);
    const router = Router();
    router.use(referralDocs(document));
    router.use(
      '/api/referral',
      referralApi({
        workflow,
        document: loadOpenApiDocument(config.publicBaseUrl),
        baseUrl: config.publicBaseUrl,
      }),
    );
    router.use(
      fhirRouter({
        baseUrl: config.publicBaseUrl,
        definitions: REFERRAL_RESOURCES,
        store,
        validator,
        writeHandlers: referralWriteHandlers(workflow, new FhirReferralUpdates(db, store, writes)),
      }),
    );
    return router;
  },
  workers: ({ db, bus, logger }) => eventWorkers({ service: 'referral', schema: SCHEMA, db, bus, logger }),
};
