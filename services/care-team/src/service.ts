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
import { CARE_TEAM_RESOURCES } from './fhir/resource-definitions.js';
import { careTeamApi } from './http/care-team-api.js';
import { CARE_TEAM_OPENAPI_PATH } from './http/care-team-contract.js';
import { CARE_TEAM_MIGRATIONS } from './store/migrations.js';
import { AssignmentWorkflow } from './workflow/assignment-workflow.js';
import { CallerRoles } from './workflow/caller-roles.js';
import { CARE_TEAM_SCHEMA } from './workflow/care-team-events.js';
import { CareTeamQueries } from './workflow/care-team-queries.js';
import { MatchingWorkflow } from './workflow/matching-workflow.js';
import { referralEventsConsumer } from './workflow/referral-events-consumer.js';
import { RosterWorkflow } from './workflow/roster-workflow.js';
import { sessionEventsConsumer } from './workflow/session-events-consumer.js';

/** The peer support program every roster member works for (one program per deployment for now). */
export const PROGRAM = 'Organization/peer-support-program';

/** The service's FHIR resources, held to its audience rule for every caller but its workers. */
function repositoriesFor({ config, db, validator }: ServiceContext): {
  repositories: Repositories;
  roles: CallerRoles;
} {
  const roles = new CallerRoles(db, config.publicBaseUrl);
  const repositories = new Repositories({
    db,
    schema: CARE_TEAM_SCHEMA,
    definitions: CARE_TEAM_RESOURCES,
    validator,
    baseUrl: config.publicBaseUrl,
    audience: roles.audience,
  });
  return { repositories, roles };
}

/**
 * The care-team service: the peer supporter roster (Practitioner + PractitionerRole), matching
 * and assignment, and each accepted referral's CareTeam, driven by the referral service's events.
 */
export const careTeamService: ServiceModule = {
  name: 'care-team',
  schema: CARE_TEAM_SCHEMA,
  migrations: [FHIR_STORE_MIGRATIONS, EVENT_MIGRATIONS, CARE_TEAM_MIGRATIONS],
  resources: CARE_TEAM_RESOURCES,
  createRouter(context) {
    const { config, db, validator } = context;
    const { repositories, roles } = repositoriesFor(context);
    const router = Router();
    router.use(
      '/api/care-team',
      careTeamApi({
        roster: new RosterWorkflow(db, PROGRAM),
        matching: new MatchingWorkflow(db),
        assignment: new AssignmentWorkflow(db),
        careTeams: new CareTeamQueries(db),
        roles,
        repositories,
        document: loadOpenApiDocument(CARE_TEAM_OPENAPI_PATH, config.publicBaseUrl),
        baseUrl: config.publicBaseUrl,
      }),
    );
    router.use(
      fhirRouter({
        baseUrl: config.publicBaseUrl,
        definitions: CARE_TEAM_RESOURCES,
        repositories,
        validator,
      }),
    );
    return router;
  },
  workers: (context) =>
    eventWorkers({
      service: 'care-team',
      schema: CARE_TEAM_SCHEMA,
      db: context.db,
      bus: context.bus,
      logger: context.logger,
      consumers: [referralEventsConsumer, sessionEventsConsumer],
      repositories: repositoriesFor(context).repositories,
    }),
};
