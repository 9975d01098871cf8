import type { Request, RequestHandler } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';

/** The matched route template (`/api/v1/incidents/:id`), never the raw path, to bound label cardinality. */
function routeOf(req: Request): string {
  const route = req.route as { path?: unknown } | undefined;
  if (route && typeof route.path === 'string') return `${req.baseUrl}${route.path}`;
  return 'unmatched';
}

/** Counts requests by route, method and status, and times them. */
export function httpMetrics(registry: Registry, subsystem: string): RequestHandler {
  const requests = new Counter({
    name: `sitrep_${subsystem}_http_requests_total`,
    help: 'HTTP requests by route, method and status code.',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: `sitrep_${subsystem}_http_request_duration_seconds`,
    help: 'HTTP request duration by route and method.',
    labelNames: ['route', 'method'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = routeOf(req);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      requests.inc({ route, method: req.method, status: String(res.statusCode) });
      duration.observe({ route, method: req.method }, seconds);
    });
    next();
  };
}
