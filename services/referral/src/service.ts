import { FHIR_STORE_MIGRATIONS, fhirRouter, ResourceStore, type ServiceModule } from '@peerbridge/shared';
import { Router } from 'express';
import { REFERRAL_RESOURCES } from './fhir/resource-definitions.js';

const SCHEMA = 'referral';

/** The referral service: referrals and their closed-loop lifecycle (ServiceRequest + Task). */
export const referralService: ServiceModule = {
  name: 'referral',
  schema: SCHEMA,
  migrations: [FHIR_STORE_MIGRATIONS],
  resources: REFERRAL_RESOURCES,
  createRouter({ config, db, validator }) {
    const store = new ResourceStore(
      db,
      SCHEMA,
      new Map(REFERRAL_RESOURCES.map((definition) => [definition.type, definition])),
      config.publicBaseUrl,
    );
    const router = Router();
    router.use(
      fhirRouter({ baseUrl: config.publicBaseUrl, definitions: REFERRAL_RESOURCES, store, validator }),
    );
    return router;
  },
};
