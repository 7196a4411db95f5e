import {
  EVENT_MIGRATIONS,
  eventWorkers,
  FHIR_STORE_MIGRATIONS,
  fhirRouter,
  loadOpenApiDocument,
  Repositories,
  type ServiceContext,
  type ServiceModule,
} from '@peerbridge/shared';
import { Router } from 'express';
import { ENCOUNTER_RESOURCES } from './fhir/resource-definitions.js';
import { encounterApi } from './http/encounter-api.js';
import { ENCOUNTER_OPENAPI_PATH } from './http/encounter-contract.js';
import { ENCOUNTER_MIGRATIONS } from './store/migrations.js';
import { CallerRoles } from './workflow/caller-roles.js';
import { careTeamEventsConsumer } from './workflow/care-team-events-consumer.js';
import { referralEventsConsumer } from './workflow/referral-events-consumer.js';
import { ENCOUNTER_SCHEMA } from './workflow/session-events.js';
import { SafetyWorkflow } from './workflow/safety-workflow.js';
import { SessionWorkflow } from './workflow/session-workflow.js';
import { outcomeWriteHandlers } from './http/fhir-write-handlers.js';
import { OutcomeWorkflow } from './workflow/outcome-workflow.js';
import { seedQuestionnaires } from './workflow/questionnaire-seed.js';

function repositoriesFor({ config, db, validator }: ServiceContext) {
  const roles = new CallerRoles(db, config.publicBaseUrl);
  const repositories = new Repositories({
    db,
    schema: ENCOUNTER_SCHEMA,
    definitions: ENCOUNTER_RESOURCES,
    validator,
    baseUrl: config.publicBaseUrl,
    audience: roles.audience,
    redaction: roles.redactions,
  });
  return { repositories, roles };
}

/**
 * The encounter service: peer support sessions, planned (Appointment) and logged (Encounter),
 * checked against the care teams the care-team service's events describe.
 */
export const encounterService: ServiceModule = {
  name: 'encounter',
  schema: ENCOUNTER_SCHEMA,
  migrations: [FHIR_STORE_MIGRATIONS, EVENT_MIGRATIONS, ENCOUNTER_MIGRATIONS],
  resources: ENCOUNTER_RESOURCES,
  createRouter(context) {
    const { config, db, validator } = context;
    const { repositories, roles } = repositoriesFor(context);
    // The one SafetyEscalation of the service: what raises safety flags (outcome scoring too) uses it.
    const safety = new SafetyWorkflow(db, repositories, config.publicBaseUrl);
    const outcomes = new OutcomeWorkflow(db, safety, config.publicBaseUrl);
    const router = Router();
    router.use(
      '/api/encounter',
      encounterApi({
        sessions: new SessionWorkflow(db),
        outcomes,
        safety,
        roles,
        repositories,
        document: loadOpenApiDocument(ENCOUNTER_OPENAPI_PATH, config.publicBaseUrl),
        baseUrl: config.publicBaseUrl,
      }),
    );
    router.use(
      fhirRouter({
        baseUrl: config.publicBaseUrl,
        definitions: ENCOUNTER_RESOURCES,
        repositories,
        validator,
        writeHandlers: outcomeWriteHandlers(outcomes),
      }),
    );
    return router;
  },
  seed: (context) => seedQuestionnaires(repositoriesFor(context).repositories.forSystem('encounter-seed')),
  workers: (context) =>
    eventWorkers({
      service: 'encounter',
      schema: ENCOUNTER_SCHEMA,
      db: context.db,
      bus: context.bus,
      logger: context.logger,
      consumers: [careTeamEventsConsumer, referralEventsConsumer],
      repositories: repositoriesFor(context).repositories,
    }),
};
