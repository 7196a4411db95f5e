import type { Repositories } from '@peerbridge/shared';
import type { Request, Response, Router } from 'express';
import type { components, operations } from '../generated/encounter-api.js';
import type { CallerRoles } from '../workflow/caller-roles.js';
import type { SafetyWorkflow } from '../workflow/safety-workflow.js';
import type { SafetyFlagView } from '../workflow/safety-flag-view.js';
import { pageOf } from './page.js';
import { callerOf } from './caller.js';

type Schemas = components['schemas'];

export interface SafetyRoutesOptions {
  readonly safety: SafetyWorkflow;
  readonly roles: CallerRoles;
  readonly repositories: Repositories;
  readonly baseUrl: string;
}

/** raiseSafetyConcern, listSafetyFlags, acknowledgeSafetyFlag, resolveSafetyFlag. */
export function safetyRoutes(router: Router, options: SafetyRoutesOptions): void {
  const { safety, roles, repositories, baseUrl } = options;
  const caller = (res: Response) => callerOf(res, repositories, roles);

  router.post('/safety-flags', async (req, res) => {
    const body = req.body as Schemas['SafetyConcernInput'];
    const { repo, role } = await caller(res);
    const flag = await safety.raiseConcern(repo, role, {
      ...(body.patient ? { patient: body.patient } : {}),
      ...(body.referralId ? { referralId: body.referralId } : {}),
      ...(body.sessionId ? { sessionId: body.sessionId } : {}),
      description: body.description,
      urgency: body.urgency ?? 'urgent',
    });
    res.status(201).json(toApiSafetyFlag(flag));
  });

  router.get('/safety-flags', async (req: Request, res) => {
    const query = req.query as unknown as NonNullable<operations['listSafetyFlags']['parameters']['query']>;
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const { repo } = await caller(res);
    const page = await safety.listOpen(repo, {
      ...(query.patient ? { patient: query.patient } : {}),
      limit,
      offset,
    });
    res.json(
      pageOf(
        req,
        `${baseUrl}/api/encounter/safety-flags`,
        { items: page.items.map(toApiSafetyFlag), total: page.total },
        limit,
        offset,
      ),
    );
  });

  router.post('/safety-flags/:flagId/acknowledgement', async (req, res) => {
    const { repo, role } = await caller(res);
    res.json(toApiSafetyFlag(await safety.acknowledge(repo, role, String(req.params.flagId))));
  });

  router.post('/safety-flags/:flagId/resolution', async (req, res) => {
    const { repo, role } = await caller(res);
    const { reason } = req.body as { reason: string };
    res.json(toApiSafetyFlag(await safety.resolve(repo, role, String(req.params.flagId), reason)));
  });
}

function toApiSafetyFlag(flag: SafetyFlagView): Schemas['SafetyFlag'] {
  return flag;
}
