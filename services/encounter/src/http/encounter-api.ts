import {
  restApi,
  type OpenApiDocument,
  type Repositories,
  type ResourcePermission,
} from '@peerbridge/shared';
import type { Request, Response, Router } from 'express';
import type { components, operations } from '../generated/encounter-api.js';
import type { SessionRequest, SessionStatus } from '../domain/session.js';
import type { CallerRoles } from '../workflow/caller-roles.js';
import type { SessionWorkflow } from '../workflow/session-workflow.js';
import type { SessionView } from '../workflow/session-view.js';
import type { OutcomeWorkflow } from '../workflow/outcome-workflow.js';
import { outcomeRoutes } from './outcome-routes.js';
import type { SafetyWorkflow } from '../workflow/safety-workflow.js';
import { pageOf } from './page.js';
import { safetyRoutes } from './safety-routes.js';
import { callerOf } from './caller.js';

type Schemas = components['schemas'];

export interface EncounterApiOptions {
  readonly sessions: SessionWorkflow;
  readonly outcomes: OutcomeWorkflow;
  readonly safety: SafetyWorkflow;
  readonly roles: CallerRoles;
  readonly repositories: Repositories;
  readonly document: OpenApiDocument;
  readonly baseUrl: string;
}

/** The SMART permission each operation needs, as its `security` in the contract names it. */
const PERMISSIONS: Record<keyof operations, ResourcePermission> = {
  planSession: { resourceType: 'Appointment', action: 'c' },
  logSession: { resourceType: 'Encounter', action: 'c' },
  listSessions: { resourceType: 'Encounter', action: 's' },
  getSession: { resourceType: 'Encounter', action: 'r' },
  cancelSession: { resourceType: 'Appointment', action: 'u' },
  recordNoShow: { resourceType: 'Appointment', action: 'u' },
  recordOutcome: { resourceType: 'QuestionnaireResponse', action: 'c' },
  getOutcomeTrend: { resourceType: 'Observation', action: 's' },
  raiseSafetyConcern: { resourceType: 'Flag', action: 'c' },
  listSafetyFlags: { resourceType: 'Flag', action: 's' },
  acknowledgeSafetyFlag: { resourceType: 'Communication', action: 'c' },
  resolveSafetyFlag: { resourceType: 'Flag', action: 'u' },
};

/** The REST API of openapi/encounter.yaml, mounted at /api/encounter on the shared REST kit. */
export function encounterApi(options: EncounterApiOptions): Router {
  return restApi({
    document: options.document,
    permissions: PERMISSIONS,
    routes: (router) => {
      routes(router, options);
      outcomeRoutes(router, options);
      safetyRoutes(router, options);
    },
  });
}

function routes(router: Router, options: EncounterApiOptions): void {
  const { sessions, roles, repositories, baseUrl } = options;
  const caller = (res: Response) => callerOf(res, repositories, roles);
  const created = (res: Response, session: SessionView) => {
    res.setHeader('Location', `${baseUrl}/api/encounter/sessions/${session.id}`);
    res.status(201).json(toApiSession(session));
  };

  router.post('/sessions/planned', async (req, res) => {
    const { repo, role } = await caller(res);
    created(res, await sessions.plan(repo, role, sessionRequest(req.body as Schemas['SessionInput'])));
  });

  router.post('/sessions', async (req, res) => {
    const body = req.body as Schemas['LoggedSessionInput'];
    const { repo, role } = await caller(res);
    created(
      res,
      await sessions.log(repo, role, {
        ...sessionRequest(body),
        ...(body.appointmentId ? { appointmentId: body.appointmentId } : {}),
      }),
    );
  });

  router.get('/sessions', async (req: Request, res) => {
    const query = req.query as unknown as NonNullable<operations['listSessions']['parameters']['query']>;
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const { repo, role } = await caller(res);
    const page = await sessions.list(repo, role, {
      ...(query.referral ? { referralId: query.referral } : {}),
      ...(query.status ? { status: query.status as SessionStatus } : {}),
      limit,
      offset,
    });
    res.json(
      pageOf(
        req,
        `${baseUrl}/api/encounter/sessions`,
        { items: page.items.map(toApiSession), total: page.total },
        limit,
        offset,
      ),
    );
  });

  router.get('/sessions/:sessionId', async (req, res) => {
    const { repo } = await caller(res);
    res.json(toApiSession(await sessions.get(repo, String(req.params.sessionId))));
  });

  router.post('/sessions/:sessionId/cancellation', async (req, res) => {
    const { repo, role } = await caller(res);
    const { reason } = req.body as { reason: string };
    res.json(toApiSession(await sessions.cancel(repo, role, String(req.params.sessionId), reason)));
  });

  router.post('/sessions/:sessionId/no-show', async (req, res) => {
    const { repo, role } = await caller(res);
    res.json(toApiSession(await sessions.noShow(repo, role, String(req.params.sessionId))));
  });
}

function sessionRequest(body: Schemas['SessionInput'] | Schemas['LoggedSessionInput']): SessionRequest {
  const group = body.attendees !== undefined;
  return {
    kind: group ? 'group' : 'one-to-one',
    attendees: group
      ? body.attendees!.map((a) => ({ referralId: a.referralId, attended: a.attended ?? true }))
      : [{ referralId: body.referralId!, attended: true }],
    mode: body.mode,
    start: body.start,
    end: body.end,
    topics: [...(body.topics ?? [])],
    note: body.note,
  };
}

function toApiSession(session: SessionView): Schemas['Session'] {
  return {
    id: session.id,
    kind: session.kind,
    status: session.status,
    mode: session.mode,
    start: session.start,
    end: session.end,
    minutes: session.minutes,
    attendees: session.attendees.map((a) => ({
      referralId: a.referralId,
      patient: a.patient,
      attended: a.attended,
      ...(a.encounterId ? { encounter: { reference: `Encounter/${a.encounterId}`, versionId: '1' } } : {}),
    })),
    peerSupporter: session.peerSupporter,
    topics: session.topics as Schemas['Topic'][],
    ...(session.note ? { note: session.note } : {}),
    ...(session.contentWithheld ? { contentWithheld: true as const } : {}),
    ...(session.cancellationReason ? { cancellationReason: session.cancellationReason } : {}),
    ...(session.appointment ? { appointment: session.appointment } : {}),
    ...(session.encounter ? { encounter: session.encounter } : {}),
    lastUpdated: session.lastUpdated,
  };
}
