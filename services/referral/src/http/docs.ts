import { Router, type RequestHandler } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { OpenApiDocument } from './openapi-document.js';

/**
 * The contract as JSON at /api/referral/openapi.json and browsable with Swagger UI at
 * /api/referral/docs. Swagger UI's assets are served from here (no CDN), so helmet's default
 * Content-Security-Policy (scripts from 'self' only) holds.
 */
export function referralDocs(document: OpenApiDocument): Router {
  const router = Router();
  router.get('/api/referral/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.use(
    '/api/referral/docs',
    labelRoute,
    swaggerUi.serveFiles(document),
    swaggerUi.setup(document, { customSiteTitle: 'PeerBridge Referral API' }),
  );
  return router;
}

/** The access log names the docs route, not each of Swagger UI's asset files. */
const labelRoute: RequestHandler = (_req, res, next) => {
  res.locals.routeLabel = '/api/referral/docs';
  next();
};
