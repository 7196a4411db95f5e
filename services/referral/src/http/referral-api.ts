import {
  actorOf,
  idempotentRequestOf,
  requireAuth,
  restApi,
  type OpenApiDocument,
  type Repositories,
  type ResourcePermission,
} from '@peerbridge/shared';
import type { Request, Response, Router } from 'express';
import type { ReferralWorkflow } from '../workflow/referral-workflow.js';
import type { operations } from '../generated/referral-api.js';
import { fromApiReferralInput, toApiReferral, toApiTransition } from './representation.js';

type Body<Op extends keyof operations> = operations[Op] extends {
  requestBody: { content: { 'application/json': infer B } };
}
  ? B
  : never;
type Query<Op extends keyof operations> = operations[Op]['parameters']['query'];
type Ok<Op extends keyof operations, Status extends number> =
  operations[Op]['responses'] extends Record<Status, { content: { 'application/json': infer R } }>
    ? R
    : never;

interface ReferralApiOptions {
  readonly workflow: ReferralWorkflow;
  readonly repositories: Repositories;
  readonly document: OpenApiDocument;
  readonly baseUrl: string;
}

/** The SMART permission each operation needs, as its `security` in the contract names it. */
const PERMISSIONS: Record<keyof operations, ResourcePermission> = {
  createReferral: { resourceType: 'ServiceRequest', action: 'c' },
  listReferrals: { resourceType: 'ServiceRequest', action: 's' },
  getReferral: { resourceType: 'ServiceRequest', action: 'r' },
  changeReferralStatus: { resourceType: 'Task', action: 'u' },
  getReferralHistory: { resourceType: 'Task', action: 'r' },
};

/**
 * The REST API of openapi/referral.yaml, mounted at /api/referral, on the shared REST kit: the
 * permission is checked and the request validated against the contract before a handler runs,
 * so handlers see only well-formed input; they translate to the workflow and back, nothing more.
 */
export function referralApi(options: ReferralApiOptions): Router {
  return restApi({
    document: options.document,
    permissions: PERMISSIONS,
    routes: (router) => referralRoutes(router, options),
  });
}

function referralRoutes(router: Router, options: ReferralApiOptions): void {
  const { workflow, repositories, baseUrl } = options;
  // Every handler works through the caller's repository: scopes and patient compartment apply.
  const repo = (res: Response) => repositories.forCaller(requireAuth(res));
  router.post('/referrals', async (req: Request, res: Response) => {
    const body = req.body as Body<'createReferral'>;
    const actor = actorOf(res.locals);
    const idempotency = idempotentRequestOf(req, res);
    const { created, referral } = await workflow.create(
      repo(res),
      fromApiReferralInput(body, workflow.defaultProgram),
      actor,
      idempotency ? { idempotency } : {},
    );
    const payload: Ok<'createReferral', 201> = toApiReferral(referral);
    if (!created) {
      res.setHeader('Idempotent-Replayed', 'true');
    }
    res.setHeader('Location', `${baseUrl}/api/referral/referrals/${referral.id}`);
    res.status(created ? 201 : 200).json(payload);
  });

  router.get('/referrals', async (req: Request, res: Response) => {
    const query = req.query as unknown as NonNullable<Query<'listReferrals'>>;
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const page = await workflow.list(repo(res), {
      patient: query.patient,
      status: query.status,
      requester: query.requester,
      authoredFrom: query.authoredFrom,
      authoredTo: query.authoredTo,
      limit,
      offset,
    });
    const payload: Ok<'listReferrals', 200> = {
      items: page.referrals.map(toApiReferral),
      total: page.total,
      limit,
      offset,
      ...(page.hasMore ? { next: nextPageUrl(baseUrl, req, offset + limit) } : {}),
    };
    res.json(payload);
  });

  router.get('/referrals/:referralId', async (req: Request, res: Response) => {
    const payload: Ok<'getReferral', 200> = toApiReferral(
      await workflow.get(repo(res), String(req.params.referralId)),
    );
    res.json(payload);
  });

  router.post('/referrals/:referralId/status', async (req: Request, res: Response) => {
    const body = req.body as Body<'changeReferralStatus'>;
    const referral = await workflow.changeStatus(
      repo(res),
      String(req.params.referralId),
      body.status,
      body.reason,
      actorOf(res.locals),
    );
    const payload: Ok<'changeReferralStatus', 200> = toApiReferral(referral);
    res.json(payload);
  });

  router.get('/referrals/:referralId/history', async (req: Request, res: Response) => {
    const referralId = String(req.params.referralId);
    const transitions = await workflow.history(repo(res), referralId);
    const payload: Ok<'getReferralHistory', 200> = { referralId, items: transitions.map(toApiTransition) };
    res.json(payload);
  });
}

function nextPageUrl(baseUrl: string, req: Request, offset: number): string {
  const params = new URL(req.originalUrl, 'http://local').searchParams;
  params.set('offset', String(offset));
  return `${baseUrl}/api/referral/referrals?${params.toString()}`;
}
