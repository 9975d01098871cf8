import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Registry } from 'prom-client';
import { openApiDocument, type TimelineEntryRecordV1 } from '@sitrep/contracts';
import type { Clock } from '@sitrep/domain';
import {
  countUnauthorized,
  errorHandler,
  healthRouter,
  notFound,
  openApiRouter,
  unavailable,
  type ReadinessCheck,
} from '@sitrep/http';
import { StoreError, type IncidentStore } from '@sitrep/store';
import { httpMetrics, httpTracing, type Logger } from '@sitrep/telemetry';
import type { Context } from '@opentelemetry/api';
import { canRead } from './api/access.js';
import { incidentsRouter } from './api/incidents-router.js';
import type { RecorderConfig } from './config.js';
import type { ImpactSource } from './impact-source.js';
import type { RecorderMetrics } from './metrics.js';

export interface RecorderAppDeps {
  readonly config: RecorderConfig;
  readonly store: IncidentStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly metrics: RecorderMetrics;
  readonly impact: ImpactSource;
  readonly readiness: readonly ReadinessCheck[];
  readonly publishEntry: (record: TimelineEntryRecordV1, parent: Context) => Promise<void>;
}

/** The recorder's HTTP app, without listening: tests drive it with supertest, the service serves it. */
export function createRecorderApp(deps: RecorderAppDeps): Express {
  const { logger, registry } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('query parser', 'simple');
  app.use(httpMetrics(registry, 'recorder'));
  app.use(httpTracing());
  app.use(
    healthRouter(registry, deps.readiness, {
      logger,
      showsDetails: (req) => canRead(deps.config.access, req.headers.authorization),
    }),
  );
  app.use(openApiRouter(openApiDocument));
  app.use(incidentsRouter(deps));
  app.use(notFound);
  // A database that is down or failing over: the caller should retry, not give up.
  const storeUnavailable: ErrorRequestHandler = (error: unknown, _req, _res, next) => {
    if (error instanceof StoreError && error.code === 'unavailable') {
      logger.warn('store unavailable', { error });
      next(unavailable('the incident store is unavailable; retry later', deps.config.retryAfterSeconds));
      return;
    }
    next(error);
  };
  app.use(storeUnavailable);
  app.use(countUnauthorized(registry, 'recorder', logger));
  app.use(errorHandler(logger));
  return app;
}
