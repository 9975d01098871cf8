import type { ErrorRequestHandler } from 'express';
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '@sitrep/telemetry';
import { ApiError } from './api-error.js';

/**
 * Counts 401s by route and reason (`missing` or `invalid` credentials) and logs each at debug: a
 * flood of wrong tokens is a number to alert on, not a log line per request at info. Place it
 * before errorHandler.
 */
export function countUnauthorized(registry: Registry, subsystem: string, logger: Logger): ErrorRequestHandler {
  const refused = new Counter({
    name: `sitrep_${subsystem}_unauthorized_requests_total`,
    help: 'Requests refused with 401, by route and reason (missing or invalid credentials).',
    labelNames: ['route', 'reason'],
    registers: [registry],
  });
  return (error: unknown, req, _res, next) => {
    if (error instanceof ApiError && error.code === 'unauthorized') {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      const reason = req.headers.authorization === undefined ? 'missing' : 'invalid';
      refused.inc({ route, reason });
      logger.debug('request unauthorized', { route, method: req.method, reason });
    }
    next(error);
  };
}
