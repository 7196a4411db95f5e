import {
  notFound,
  programAdministration,
  restApi,
  type Database,
  type EhrConnection,
  type OpenApiDocument,
  type ProgramAdministrators,
  type ResourcePermission,
} from '@peerbridge/shared';
import type { Request, Router } from 'express';
import type { operations } from '../generated/ehr-integration-api.js';
import { intakeCursors, listRejectedIntake } from '../store/intake-tables.js';
import {
  listWriteBackDeadLetters,
  replayAllWriteBackDeadLetters,
  replayWriteBackDeadLetter,
  writeBackHealth,
} from '../store/write-back-admin.js';
import {
  toApiConnection,
  toApiConnectionStatus,
  toApiDeadLetter,
  toApiRejectedIntake,
  toApiReplayed,
} from './representation.js';

export interface EhrAdminApiOptions {
  readonly db: Database;
  readonly connections: readonly EhrConnection[];
  readonly document: OpenApiDocument;
  /** Backend services and the roster's active coordinators. */
  readonly administrators: ProgramAdministrators;
}

/**
 * Program administration only: reads need `*.r`, replays `*.u`, from system scopes or from a
 * coordinator's user scopes.
 */
const PERMISSIONS: Record<keyof operations, ResourcePermission> = {
  listConnections: programAdministration('r'),
  getConnectionStatus: programAdministration('r'),
  listWriteBackDeadLetters: programAdministration('r'),
  replayWriteBackDeadLetter: programAdministration('u'),
  replayAllWriteBackDeadLetters: programAdministration('u'),
  listRejectedIntake: programAdministration('r'),
};

/**
 * The admin API of openapi/ehr-integration.yaml, mounted at /api/ehr-integration on the shared
 * REST kit: per configured connection, intake's cursors and rejected referrals, write-back's
 * backlog and dead letters, and their replay.
 */
export function ehrAdminApi(options: EhrAdminApiOptions): Router {
  return restApi({
    document: options.document,
    permissions: PERMISSIONS,
    administrators: options.administrators,
    routes: (router) => routes(router, options),
  });
}

function routes(router: Router, { db, connections }: EhrAdminApiOptions): void {
  const connectionOf = (req: Request): EhrConnection => {
    const id = String(req.params.connectionId);
    const connection = connections.find((candidate) => candidate.id === id);
    if (!connection) {
      throw notFound(`No EHR connection ${id}`, 'connectionId');
    }
    return connection;
  };
  const limitOf = (req: Request) => Number(req.query.limit ?? 100);

  router.get('/connections', (_req, res) => {
    res.json({ items: connections.map(toApiConnection) });
  });

  router.get('/connections/:connectionId/status', async (req, res) => {
    const connection = connectionOf(req);
    const [cursors, health] = await Promise.all([
      intakeCursors(db, connection.id),
      writeBackHealth(db, connection.id),
    ]);
    res.json(toApiConnectionStatus(connection, cursors, health));
  });

  router.get('/connections/:connectionId/write-back/dead-letters', async (req, res) => {
    const letters = await listWriteBackDeadLetters(db, connectionOf(req).id, limitOf(req));
    res.json({ items: letters.map(toApiDeadLetter) });
  });

  router.post('/connections/:connectionId/write-back/dead-letters/replay', async (req, res) => {
    res.json({ replayed: await replayAllWriteBackDeadLetters(db, connectionOf(req).id) });
  });

  router.post('/connections/:connectionId/write-back/dead-letters/:deadLetterId/replay', async (req, res) => {
    const { id } = connectionOf(req);
    const deadLetterId = Number(req.params.deadLetterId);
    const replayed = await replayWriteBackDeadLetter(db, id, deadLetterId);
    if (!replayed) {
      throw notFound(`No dead letter ${deadLetterId} of EHR connection ${id}`, 'deadLetterId');
    }
    res.json(toApiReplayed(replayed));
  });

  router.get('/connections/:connectionId/rejected-intake', async (req, res) => {
    const rejected = await listRejectedIntake(db, connectionOf(req).id, limitOf(req));
    res.json({ items: rejected.map(toApiRejectedIntake) });
  });
}
