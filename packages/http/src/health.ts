import { Router } from 'express';
import type { Registry } from 'prom-client';
import { methodNotAllowed } from './handlers.js';

export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<{ ready: boolean; detail: string }>;
}

/**
 * `/healthz`: the process is up (liveness: restart me only if this fails). `/readyz`: every
 * dependency answers (readiness: send me traffic). `/metrics`: Prometheus exposition. All three
 * stay open without credentials, as scrapers and kubelets expect.
 */
export function healthRouter(registry: Registry, checks: readonly ReadinessCheck[]): Router {
  const router = Router();
  router
    .route('/healthz')
    .get((_req, res) => {
      res.json({ status: 'ok' });
    })
    .all(methodNotAllowed('GET'));
  router
    .route('/readyz')
    .get(async (_req, res) => {
      const results = await Promise.all(
        checks.map(async (check) => {
          try {
            return { name: check.name, ...(await check.check()) };
          } catch (error) {
            return { name: check.name, ready: false, detail: (error as Error).message };
          }
        }),
      );
      const ready = results.every((result) => result.ready);
      res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: results });
    })
    .all(methodNotAllowed('GET'));
  router
    .route('/metrics')
    .get(async (_req, res) => {
      res.setHeader('Content-Type', registry.contentType);
      res.send(await registry.metrics());
    })
    .all(methodNotAllowed('GET'));
  return router;
}
