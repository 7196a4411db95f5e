import { Router } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { DeadLetters } from '../dead-letters.js';
import type { EventBus } from '../event-bus.js';
import { requireEventsAdmin } from './events-admin-access.js';
import { loadEventsAdminDocument } from './events-admin-document.js';
import { eventsAdminValidationErrors } from './events-admin-errors.js';

/**
 * The events admin API of openapi/events-admin.yaml at /api/events: dead letters and their
 * replay. The scope is checked before the request is validated, so a caller without it learns
 * nothing about the API.
 */
export function eventsAdminApi(options: { bus: EventBus; publicBaseUrl: string }): Router {
  const document = loadEventsAdminDocument(options.publicBaseUrl);
  const deadLetters = new DeadLetters(options.bus);
  const router = Router();
  router.get('/api/events/openapi.json', (_req, res) => {
    res.json(document);
  });

  const api = Router();
  api.get('/dead-letters', requireEventsAdmin('r'));
  api.post('/dead-letters/:deadLetterId/replay', requireEventsAdmin('u'));
  api.use(
    OpenApiValidator.middleware({
      apiSpec: document as never,
      validateRequests: { allowUnknownQueryParameters: false, coerceTypes: true },
      validateResponses: false,
      // Tokens are verified in front of every route and scopes by requireEventsAdmin above.
      validateSecurity: false,
      ignoreUndocumented: false,
    }),
  );
  api.get('/dead-letters', async (req, res) => {
    const limit = Number(req.query.limit ?? 100);
    res.json({ items: await deadLetters.list(limit) });
  });
  api.post('/dead-letters/:deadLetterId/replay', async (req, res) => {
    res.json(await deadLetters.replay(String(req.params.deadLetterId)));
  });
  api.use(eventsAdminValidationErrors);
  router.use('/api/events', api);
  return router;
}
