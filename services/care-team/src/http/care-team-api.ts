import {
  actorOf,
  requireAuth,
  restApi,
  type OpenApiDocument,
  type Repositories,
  type ResourcePermission,
} from '@peerbridge/shared';
import type { Request, Response, Router } from 'express';
import type { operations } from '../generated/care-team-api.js';
import type { RosterRole } from '../domain/peer-supporter.js';
import type { AssignmentWorkflow } from '../workflow/assignment-workflow.js';
import type { CallerRoles } from '../workflow/caller-roles.js';
import type { CareTeamQueries } from '../workflow/care-team-queries.js';
import type { MatchingWorkflow } from '../workflow/matching-workflow.js';
import type { RosterWorkflow } from '../workflow/roster-workflow.js';
import {
  fromApiProfile,
  toApiCareTeam,
  toApiCaseload,
  toApiPeerSupporter,
  toApiSuggestions,
} from './representation.js';

type Body<Op extends keyof operations> = operations[Op] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;
type Query<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;

export interface CareTeamApiOptions {
  readonly roster: RosterWorkflow;
  readonly matching: MatchingWorkflow;
  readonly assignment: AssignmentWorkflow;
  readonly careTeams: CareTeamQueries;
  readonly roles: CallerRoles;
  readonly repositories: Repositories;
  readonly document: OpenApiDocument;
  readonly baseUrl: string;
}

/** The SMART permission each operation needs, as its `security` in the contract names it. */
const PERMISSIONS: Record<keyof operations, ResourcePermission> = {
  createPeerSupporter: { resourceType: 'Practitioner', action: 'c' },
  listPeerSupporters: { resourceType: 'Practitioner', action: 's' },
  getPeerSupporter: { resourceType: 'Practitioner', action: 'r' },
  updatePeerSupporter: { resourceType: 'Practitioner', action: 'u' },
  deactivatePeerSupporter: { resourceType: 'Practitioner', action: 'u' },
  getCaseload: { resourceType: 'CareTeam', action: 's' },
  suggestPeerSupporters: { resourceType: 'PractitionerRole', action: 's' },
  assignPeerSupporter: { resourceType: 'CareTeam', action: 'u' },
  reassignPeerSupporter: { resourceType: 'CareTeam', action: 'u' },
  listCareTeams: { resourceType: 'CareTeam', action: 's' },
  getCareTeam: { resourceType: 'CareTeam', action: 'r' },
};

/**
 * The REST API of openapi/care-team.yaml, mounted at /api/care-team on the shared REST kit.
 * Handlers work through the caller's repository (scopes, patient compartment and this
 * service's audience rule apply) and pass the caller's role on the roster to the workflow,
 * which decides what that role may do.
 */
export function careTeamApi(options: CareTeamApiOptions): Router {
  return restApi({
    document: options.document,
    permissions: PERMISSIONS,
    routes: (router) => routes(router, options),
  });
}

function routes(router: Router, options: CareTeamApiOptions): void {
  const { roster, matching, assignment, careTeams, roles, repositories, baseUrl } = options;
  const caller = async (res: Response) => {
    const repo = repositories.forCaller(requireAuth(res));
    return { repo, role: await roles.roleOf(repo.caller, repo.memo) };
  };
  const param = (req: Request, name: string) => String(req.params[name]);

  router.post('/peer-supporters', async (req, res) => {
    const body = req.body as Body<'createPeerSupporter'>;
    const { repo, role } = await caller(res);
    const created = await roster.create(repo, role, fromApiProfile(body), body.id);
    res.setHeader('Location', `${baseUrl}/api/care-team/peer-supporters/${created.id}`);
    res.status(201).json(toApiPeerSupporter(created));
  });

  router.get('/peer-supporters', async (req, res) => {
    const query = req.query as unknown as Query<'listPeerSupporters'>;
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const { repo, role } = await caller(res);
    const page = await roster.list(
      repo,
      role,
      {
        ...(query.language ? { language: query.language } : {}),
        ...(query.livedExperience ? { livedExperience: query.livedExperience } : {}),
        ...(query.role ? { role: query.role as RosterRole } : {}),
        ...(query.active ? { active: query.active === 'true' } : {}),
        ...(query.hasCapacity ? { hasCapacity: query.hasCapacity === 'true' } : {}),
        ...(query.certifiedOn ? { certifiedOn: query.certifiedOn } : {}),
      },
      limit,
      offset,
    );
    res.json({
      items: page.items.map(toApiPeerSupporter),
      total: page.total,
      limit,
      offset,
      ...(offset + limit < page.total
        ? { next: nextPage(baseUrl, req, '/peer-supporters', offset + limit) }
        : {}),
    });
  });

  router.get('/peer-supporters/:peerSupporterId', async (req, res) => {
    const { repo, role } = await caller(res);
    res.json(toApiPeerSupporter(await roster.get(repo, role, param(req, 'peerSupporterId'))));
  });

  router.put('/peer-supporters/:peerSupporterId', async (req, res) => {
    const { repo, role } = await caller(res);
    const body = req.body as Body<'updatePeerSupporter'>;
    res.json(
      toApiPeerSupporter(
        await roster.update(repo, role, param(req, 'peerSupporterId'), fromApiProfile(body)),
      ),
    );
  });

  router.post('/peer-supporters/:peerSupporterId/deactivation', async (req, res) => {
    const { repo, role } = await caller(res);
    res.json(toApiPeerSupporter(await roster.deactivate(repo, role, param(req, 'peerSupporterId'))));
  });

  router.get('/peer-supporters/:peerSupporterId/caseload', async (req, res) => {
    const { role } = await caller(res);
    const id = param(req, 'peerSupporterId');
    res.json(toApiCaseload(id, await careTeams.caseload(role, id)));
  });

  router.get('/referrals/:referralId/suggestions', async (req, res) => {
    const query = req.query as unknown as Query<'suggestPeerSupporters'>;
    const { repo, role } = await caller(res);
    const result = await matching.suggest(repo, role, param(req, 'referralId'), {
      ...(query.livedExperience ? { livedExperience: query.livedExperience } : {}),
      limit: query.limit ?? 10,
    });
    res.json(toApiSuggestions(result));
  });

  for (const [method, mode] of [
    ['post', 'assign'],
    ['put', 'reassign'],
  ] as const) {
    router[method]('/referrals/:referralId/assignment', async (req, res) => {
      const body = req.body as Body<'assignPeerSupporter'>;
      const { repo, role } = await caller(res);
      const team = await assignment.assign(
        repo,
        role,
        actorOf(res.locals),
        param(req, 'referralId'),
        { peerSupporterId: body.peerSupporterId, reason: body.reason, override: body.override ?? false },
        mode,
      );
      res.json(toApiCareTeam(team));
    });
  }

  router.get('/care-teams', async (req, res) => {
    const query = req.query as unknown as Query<'listCareTeams'>;
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const { repo } = await caller(res);
    const page = await careTeams.list(repo, {
      ...(query.patient ? { patient: query.patient } : {}),
      ...(query.peerSupporter ? { peerSupporterId: query.peerSupporter } : {}),
      ...(query.status ? { status: query.status } : {}),
      limit,
      offset,
    });
    res.json({
      items: page.items.map(toApiCareTeam),
      total: page.total,
      limit,
      offset,
      ...(offset + limit < page.total ? { next: nextPage(baseUrl, req, '/care-teams', offset + limit) } : {}),
    });
  });

  router.get('/care-teams/:careTeamId', async (req, res) => {
    const { repo } = await caller(res);
    res.json(toApiCareTeam(await careTeams.get(repo, param(req, 'careTeamId'))));
  });
}

function nextPage(baseUrl: string, req: Request, path: string, offset: number): string {
  const params = new URL(req.originalUrl, 'http://local').searchParams;
  params.set('offset', String(offset));
  return `${baseUrl}/api/care-team${path}?${params.toString()}`;
}
