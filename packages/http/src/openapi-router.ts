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
      res.json(document);
    })
    .all(methodNotAllowed('GET'));
  return router;
}
