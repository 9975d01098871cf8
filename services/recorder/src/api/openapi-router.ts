import { openApiDocument } from '@sitrep/contracts';
import { methodNotAllowed } from '@sitrep/http';
import { Router } from 'express';

/** `/openapi.json`: the ingest and recorder APIs, open like /healthz (it holds no data). */
export function openApiRouter(): Router {
  const router = Router();
  router
    .route('/openapi.json')
    .get((_req, res) => {
      res.json(openApiDocument);
    })
    .all(methodNotAllowed('GET'));
  return router;
}
