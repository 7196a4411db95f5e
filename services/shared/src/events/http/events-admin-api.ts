import { fileURLToPath } from 'node:url';
import type { Router } from 'express';
import { loadOpenApiDocument } from '../../rest/openapi-document.js';
import { restApi, type ResourcePermission } from '../../rest/rest-api.js';
import { DeadLetters } from '../dead-letters.js';
import type { EventBus } from '../event-bus.js';

const EVENTS_ADMIN_PATH = fileURLToPath(new URL('../../../../../openapi/events-admin.yaml', import.meta.url));

/**
 * Whoever runs the program administers its events: a backend service (`system/*`) or a
 * coordinator (`user/*`) whose token reaches every resource type. A patient-level token, or one
 * limited to some types, is refused whatever else it may do.
 */
const admin = (action: ResourcePermission['action']): ResourcePermission => ({
  resourceType: '*',
  action,
  contexts: ['system', 'user'],
});

/**
 * The events admin API of openapi/events-admin.yaml, to mount at /api/events, on the shared REST
 * kit: dead letters and their replay.
 */
export function eventsAdminApi(options: { bus: EventBus; publicBaseUrl: string }): Router {
  const deadLetters = new DeadLetters(options.bus);
  return restApi({
    document: loadOpenApiDocument(EVENTS_ADMIN_PATH, options.publicBaseUrl),
    permissions: { listDeadLetters: admin('r'), replayDeadLetter: admin('u') },
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
