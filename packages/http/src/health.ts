import { Router, type Request } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from '@sitrep/telemetry';
import { methodNotAllowed } from './handlers.js';

export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<{ ready: boolean; detail: string }>;
}

export interface HealthOptions {
  /**
   * Whether this caller may read each check's detail (paths, hosts, a driver's error text);
   * anyone else gets only ready or not per check. The details always go to the log.
   */
  readonly showsDetails?: (req: Request) => boolean;
  readonly logger?: Logger;
}

const SUMMARY = { ready: 'ready', notReady: 'not ready; the detail is in the log, or send a token' } as const;

/**
 * `/healthz`: the process is up (liveness: restart me only if this fails). `/readyz`: every
 * dependency answers (readiness: send me traffic). `/metrics`: Prometheus exposition. All three
 * stay open without credentials, as scrapers and kubelets expect.
 */
export function healthRouter(
  registry: Registry,
  checks: readonly ReadinessCheck[],
  options: HealthOptions = {},
): Router {
  const router = Router();
  // The last detail logged per check: a probe every few seconds logs a failure once, not each time.
  const logged = new Map<string, string>();
  const log = (name: string, ready: boolean, detail: string): void => {
    if (logged.get(name) === detail) return;
    logged.set(name, detail);
    if (ready) options.logger?.info('readiness check passes', { check: name, detail });
    else options.logger?.warn('readiness check fails', { check: name, detail });
  };
  router
    .route('/healthz')
    .get((_req, res) => {
      res.json({ status: 'ok' });
    })
    .all(methodNotAllowed('GET'));
  router
    .route('/readyz')
    .get(async (req, res) => {
      const results = await Promise.all(
        checks.map(async (check) => {
          try {
            return { name: check.name, ...(await check.check()) };
          } catch (error) {
            return { name: check.name, ready: false, detail: (error as Error).message };
          }
        }),
      );
      for (const result of results) log(result.name, result.ready, result.detail);
      const ready = results.every((result) => result.ready);
      const detailed = options.showsDetails?.(req) === true;
      res.status(ready ? 200 : 503).json({
        status: ready ? 'ready' : 'not_ready',
        checks: results.map(({ name, ready: passes, detail }) => ({
          name,
          ready: passes,
          detail: detailed ? detail : passes ? SUMMARY.ready : SUMMARY.notReady,
        })),
      });
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
