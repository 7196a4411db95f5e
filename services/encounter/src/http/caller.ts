import { requireAuth, type Repositories, type Repository } from '@peerbridge/shared';
import type { Response } from 'express';
import type { CallerRole } from '../domain/caller-role.js';
import type { CallerRoles } from '../workflow/caller-roles.js';

/**
 * The caller of a REST request: the Repository bound to them, and who they are to the program,
 * looked up once for the request with the Audience and Redactions of that Repository.
 */
export async function callerOf(
  res: Response,
  repositories: Repositories,
  roles: CallerRoles,
): Promise<{ repo: Repository; role: CallerRole }> {
  const repo = repositories.forCaller(requireAuth(res));
  return { repo, role: await roles.roleOf(repo.caller, repo.memo) };
}
