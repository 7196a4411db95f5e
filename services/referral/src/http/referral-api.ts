import { createHash } from 'node:crypto';
import { requireAuth, requirePermission, type Repositories } from '@peerbridge/shared';
import { Router, type Request, type Response } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { ReferralWorkflow } from '../workflow/referral-workflow.js';
import type { operations } from '../generated/referral-api.js';
import { actorOf } from './actor.js';
import type { OpenApiDocument } from './openapi-document.js';
import { fromApiReferralInput, toApiReferral, toApiTransition } from './representation.js';
import { openApiValidationErrors } from './validation-errors.js';

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

/**
 * The REST API of openapi/referral.yaml, mounted at /api/referral. Requests are validated
 * against the contract before a handler runs, so handlers see only well-formed input; the
 * handlers translate to the workflow and back, nothing more.
 */
export function referralApi(options: {
  workflow: ReferralWorkflow;
  repositories: Repositories;
  document: OpenApiDocument;
  baseUrl: string;
}) {
  const { workflow, repositories, baseUrl } = options;
  // Every handler works through the caller's repository: scopes and patient compartment apply.
  const repo = (res: Response) => repositories.forCaller(requireAuth(res));
  const router = Router();
  // The SMART permission each operation needs, as its `security` in the contract names it;
  // checked before the body is validated, so a caller without it learns nothing about the API.
  router.post('/referrals', requirePermission('ServiceRequest', 'c'));
  router.get('/referrals', requirePermission('ServiceRequest', 's'));
  router.get('/referrals/:referralId', requirePermission('ServiceRequest', 'r'));
  router.post('/referrals/:referralId/status', requirePermission('Task', 'u'));
  router.get('/referrals/:referralId/history', requirePermission('Task', 'r'));
  router.use(
    OpenApiValidator.middleware({
      apiSpec: options.document as never,
      validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false },
      validateResponses: false,
      // Tokens are verified by the shared SMART middleware in front of every route and scopes by
      // requirePermission above; the validator has no token to check.
      validateSecurity: false,
      ignoreUndocumented: false,
    }),
  );

  router.post('/referrals', async (req: Request, res: Response) => {
    const body = req.body as Body<'createReferral'>;
    const actor = actorOf(res.locals);
    const key = req.get('idempotency-key');
    const { created, referral } = await workflow.create(
      repo(res),
      fromApiReferralInput(body, workflow.defaultProgram),
      actor,
      key ? { idempotency: { clientId: actor.clientId ?? '', key, requestHash: hashOf(body) } } : {},
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

  router.use(openApiValidationErrors);
  return router;
}

/** Same body, same hash, whatever the order of its keys. */
function hashOf(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function nextPageUrl(baseUrl: string, req: Request, offset: number): string {
  const params = new URL(req.originalUrl, 'http://local').searchParams;
  params.set('offset', String(offset));
  return `${baseUrl}/api/referral/referrals?${params.toString()}`;
}
