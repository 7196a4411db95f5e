import { fileURLToPath } from 'node:url';
import type { Router } from 'express';
import type { ProgramAdministrators } from '../../access/program-administrators.js';
import { loadOpenApiDocument } from '../../rest/openapi-document.js';
import { programAdministration, restApi } from '../../rest/rest-api.js';
import { DeadLetters } from '../dead-letters.js';
import type { EventBus } from '../event-bus.js';

const EVENTS_ADMIN_PATH = fileURLToPath(new URL('../../../../../openapi/events-admin.yaml', import.meta.url));

/**
 * The events admin API of openapi/events-admin.yaml, to mount at /api/events, on the shared REST
 * kit: dead letters and their replay.
 */
export function eventsAdminApi(options: {
  bus: EventBus;
  publicBaseUrl: string;
  administrators: ProgramAdministrators;
}): Router {
  const deadLetters = new DeadLetters(options.bus);
  return restApi({
    document: loadOpenApiDocument(EVENTS_ADMIN_PATH, options.publicBaseUrl),
    administrators: options.administrators,
    permissions: {
      listDeadLetters: programAdministration('r'),
      replayDeadLetter: programAdministration('u'),
    },
    routes: (router) => {
      router.get('/dead-letters', async (req, res) => {
        const limit = Number(req.query.limit ?? 100);
        res.json({ items: await deadLetters.list(limit) });
      });
      router.post('/dead-letters/:deadLetterId/replay', async (req, res) => {
        res.json(await deadLetters.replay(String(req.params.deadLetterId)));
      });
    },
  });
}
