import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Registry } from 'prom-client';
import type { Bus } from '@sitrep/bus';
import { openApiDocument, topicNames } from '@sitrep/contracts';
import type { Clock } from '@sitrep/domain';
import {
  ApiError,
  countUnauthorized,
  errorHandler,
  healthRouter,
  isAuthorized,
  notFound,
  openApiRouter,
  type ReadinessCheck,
} from '@sitrep/http';
import { httpMetrics, httpTracing, type Logger } from '@sitrep/telemetry';
import { conditionLookup, countedConditionLookup } from './condition/condition-lookup.js';
import type { RulesSource } from './condition/rules-cache.js';
import type { IngestConfig } from './config.js';
import { durablePublisher } from './durable-publish.js';
import { createIngestMetrics } from './metrics.js';
import { ingestRoutes } from './routes.js';

export interface IngestAppDeps {
  readonly config: IngestConfig;
  readonly bus: Pick<Bus, 'publish'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly readiness: readonly ReadinessCheck[];
  /** Prometheus's alerting rules (PROMETHEUS_URL), kept fresh by the caller; absent without. */
  readonly rules?: RulesSource;
}

/** The HTTP app, without listening: tests drive it with supertest, main() serves it. */
export function createApp(deps: IngestAppDeps): Express {
  const { config, logger, registry } = deps;
  const metrics = createIngestMetrics(registry);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // No ETag: nobody revalidates a POST's answer, and computing one hashed every response body.
  app.set('etag', false);
  const ingest = ingestRoutes({
    config,
    topics: topicNames(config.platform.topicPrefix),
    clock: deps.clock,
    logger,
    metrics,
    publish: durablePublisher(deps.bus, metrics, logger, config.retryAfterSeconds, config.limits),
    conditions: countedConditionLookup(
      conditionLookup({ rules: deps.rules, alertForMs: config.correlation.alertForMs }),
      registry,
    ),
  });
  app.use(httpMetrics(registry, 'ingest'));
  app.use(httpTracing());
  // Webhooks first: the busiest route skips the routers below (which get whatever it passes on).
  app.use(ingest.direct);
  app.use(
    healthRouter(registry, deps.readiness, {
      logger,
      showsDetails: (req) => isAuthorized(config.auth, req.headers.authorization),
    }),
  );
  app.use(openApiRouter(openApiDocument));
  app.use(ingest.router);
  app.use(notFound);
  const countRejections: ErrorRequestHandler = (error: unknown, req, _res, next) => {
    if (error instanceof ApiError && error.status < 500) {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      metrics.rejected.inc({ route, code: error.code });
      // 401s are counted and logged at debug by countUnauthorized: a flood must not flood the log.
      if (error.code !== 'unauthorized')
        logger.info('request rejected', { route, code: error.code, message: error.message });
    }
    next(error);
  };
  app.use(countRejections);
  app.use(countUnauthorized(registry, 'ingest', logger));
  app.use(errorHandler(logger));
  return app;
}
