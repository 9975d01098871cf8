import { Router } from 'express';
import { methodNotAllowed } from './handlers.js';

/**
 * `/openapi.json`: the OpenAPI document of Sitrep's HTTP APIs, open like /healthz (it holds no
 * data). Each service passes the document it serves.
 */
export function openApiRouter(document: object): Router {
  const router = Router();
  router
    .route('/openapi.json')
    .get((_req, res) => {
      // The document holds no data and changes only with a release: caches may keep it if they ask.
      res.setHeader('Cache-Control', 'no-cache');
      res.json(document);
    })
    .all(methodNotAllowed('GET'));
  return router;
}
