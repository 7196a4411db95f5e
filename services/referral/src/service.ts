import { FHIR_STORE_MIGRATIONS, fhirRouter, Repositories, type ServiceModule } from '@peerbridge/shared';
import { Router } from 'express';
import { REFERRAL_RESOURCES } from './fhir/resource-definitions.js';
import { referralDocs } from './http/docs.js';
import { referralWriteHandlers } from './http/fhir-write-handlers.js';
import { loadOpenApiDocument } from './http/openapi-document.js';
import { referralApi } from './http/referral-api.js';
import { FhirReferralUpdates } from './workflow/fhir-referral-updates.js';
import { ReferralWorkflow } from './workflow/referral-workflow.js';
import { ReferralWrites } from './workflow/referral-writes.js';
import { REFERRAL_MIGRATIONS } from './store/migrations.js';

const SCHEMA = 'referral';

/**
 * The peer support program that owns a referral's Task when the referral names none. One
 * program per deployment for now; the care-team service will bring the roster of programs.
 */
export const DEFAULT_PROGRAM = 'Organization/peer-support-program';

/** The referral service: referrals and their closed-loop lifecycle (ServiceRequest + Task). */
export const referralService: ServiceModule = {
  name: 'referral',
  schema: SCHEMA,
  migrations: [FHIR_STORE_MIGRATIONS, REFERRAL_MIGRATIONS],
  resources: REFERRAL_RESOURCES,
  createRouter({ config, db, validator }) {
    const repositories = new Repositories({
      db,
      schema: SCHEMA,
      definitions: REFERRAL_RESOURCES,
      validator,
      baseUrl: config.publicBaseUrl,
    });
    const writes = new ReferralWrites(DEFAULT_PROGRAM);
    const workflow = new ReferralWorkflow(db, writes);
    const document = loadOpenApiDocument(config.publicBaseUrl);
    const router = Router();
    router.use(referralDocs(document));
    router.use(
      '/api/referral',
      referralApi({
        workflow,
        repositories,
        document,
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
};
