import type { Bus, TopicSpec } from '@sitrep/bus';
import { topicNames } from '@sitrep/contracts';
import type { Clock } from '@sitrep/domain';
import { listen, type ReadinessCheck, type RunningServer } from '@sitrep/http';
import type { Logger } from '@sitrep/telemetry';
import type { Registry } from 'prom-client';
import { createApp } from './app.js';
import type { IngestConfig } from './config.js';

export interface AlertIngestDeps {
  readonly config: IngestConfig;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
}

export interface AlertIngest {
  readonly url: string;
  /** Resolves once the bus is connected and the topics exist. */
  readonly started: Promise<void>;
  /** Stops accepting, finishes in-flight requests (and so their publishes), within the bound. */
  close(): Promise<void>;
}

export function ingestTopics(config: IngestConfig): TopicSpec[] {
  const names = topicNames(config.platform.topicPrefix);
  return [names.alerts, names.changes].map((name) => ({
    name,
    partitions: config.platform.topicPartitions,
    replicationFactor: config.platform.topicReplicationFactor,
  }));
}

/**
 * Serves HTTP at once and connects to the bus in the background, retrying with backoff: an
 * orchestrator sees /healthz up and /readyz down until Kafka answers, and webhooks arriving
 * meanwhile get 503 + Retry-After, which Alertmanager retries.
 */
export async function startAlertIngest(deps: AlertIngestDeps): Promise<AlertIngest> {
  const { config, bus, logger } = deps;
  let connected = false;
  let stopping = false;
  const isStopping = (): boolean => stopping;
  const readiness: ReadinessCheck[] = [
    {
      name: 'bus',
      check: async () => (connected ? bus.readiness() : { ready: false, detail: 'connecting to the bus' }),
    },
  ];
  const app = createApp({ ...deps, readiness });
  const server: RunningServer = await listen(app, config.platform.host, config.port);
  logger.info('alert-ingest listening', { url: server.url, bus: bus.kind });

  const started = (async () => {
    let delayMs = 500;
    for (;;) {
      try {
        await bus.start(ingestTopics(config));
        connected = true;
        logger.info('bus ready', { bus: bus.kind });
        return;
      } catch (error) {
        if (isStopping()) return;
        logger.warn('bus not reachable yet; retrying', { error: error as Error, retryInMs: delayMs });
        await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
        delayMs = Math.min(delayMs * 2, 30_000);
      }
    }
  })();

  return {
    url: server.url,
    started,
    close: async () => {
      stopping = true;
      await server.close(config.platform.shutdownTimeoutMs);
      logger.info('alert-ingest stopped');
    },
  };
}
