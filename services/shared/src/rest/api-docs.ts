import { Router, type RequestHandler } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { OpenApiDocument } from './openapi-document.js';

/**
 * The contract as JSON at `<mount>/openapi.json` and browsable with Swagger UI at `<mount>/docs`,
 * titled with the document's own title. Swagger UI's assets are served from here (no CDN), so
 * helmet's default Content-Security-Policy (scripts from 'self' only) holds. Both paths are open
 * routes of the shared auth middleware (`/api/<name>/openapi.json`, `/api/<name>/docs`).
 */
export function apiDocs(document: OpenApiDocument): Router {
  const title = (document.info as { title?: unknown } | undefined)?.title;
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.use(
    '/docs',
    labelRoute,
    swaggerUi.serveFiles(document),
    swaggerUi.setup(document, typeof title === 'string' ? { customSiteTitle: title } : {}),
  );
  return router;
}

/** The access log names the docs route, not each of Swagger UI's asset files. */
const labelRoute: RequestHandler = (req, res, next) => {
  res.locals.routeLabel = req.baseUrl;
  next();
};
