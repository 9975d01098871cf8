import type { Bus, TopicSpec } from '@sitrep/bus';
import { topicNames, type TopicNames } from '@sitrep/contracts';
import type { Clock } from '@sitrep/domain';
import { listen, retryUntilStarted, type ReadinessCheck, type RunningServer } from '@sitrep/http';
import type { Logger } from '@sitrep/telemetry';
import type { Registry } from 'prom-client';
import { randomBytes } from 'node:crypto';
import { createApp } from './app.js';
import { PrometheusRulesClient } from './condition/prometheus-rules.js';
import { PrometheusRulesCache } from './condition/rules-cache.js';
import type { IngestConfig } from './config.js';
import { startCorrelator, type RunningCorrelator } from './correlation/correlator-service.js';
import { MAX_STATE_BYTES } from './correlation/correlator-state-store.js';

export interface AlertIngestDeps {
  readonly config: IngestConfig;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
}

export interface AlertIngest {
  readonly url: string;
  /**
   * Resolves once the bus is connected and the topics exist (retrying while that fails in ways
   * that pass); rejects with the error when the bus refuses for good (a non-retriable BusError).
   */
  readonly started: Promise<void>;
  /** Stops accepting, finishes in-flight requests (and so their publishes), within the bound. */
  close(): Promise<void>;
}

export function correlatorTopics(config: IngestConfig): TopicNames {
  return topicNames(config.platform.topicPrefix);
}

export function ingestTopics(config: IngestConfig): TopicSpec[] {
  const names = correlatorTopics(config);
  const { topicPartitions: partitions, topicReplicationFactor: replicationFactor } = config.platform;
  return [
    ...[names.alerts, names.changes, names.incidents].map((name) => ({ name, partitions, replicationFactor })),
    { name: names.deadLetter, partitions: 1, replicationFactor },
    {
      name: names.correlatorState,
      partitions: 1,
      replicationFactor,
      // Whole snapshots per alerts partition, from earlier releases: read once to upgrade.
      config: { 'cleanup.policy': 'compact', 'max.message.bytes': String(MAX_STATE_BYTES) },
    },
    {
      name: names.correlatorStateParts,
      // Partitioned like alerts: a member reads only the state of the partitions it owns.
      partitions,
      replicationFactor,
      config: {
        'cleanup.policy': 'compact',
        'max.message.bytes': String(MAX_STATE_BYTES),
        // Compaction cleans only closed segments: small ones, cleaned early, keep what a restore
        // reads close to the parts still alive, however long the history.
        'segment.bytes': String(64 * 1024 * 1024),
        'segment.ms': String(60 * 60 * 1000),
        'min.cleanable.dirty.ratio': '0.1',
      },
    },
  ];
}

/** With PROMETHEUS_URL, its alerting rules, refreshed in the background (see PrometheusRulesCache). */
function prometheusRules(deps: AlertIngestDeps): PrometheusRulesCache | undefined {
  const { prometheus } = deps.config;
  if (prometheus === null) return undefined;
  const client = new PrometheusRulesClient(prometheus.url);
  return new PrometheusRulesCache({
    fetchRules: (signal) => client.alertingRules(signal),
    refreshMs: prometheus.refreshMs,
    timeoutMs: prometheus.timeoutMs,
    logger: deps.logger.child({ component: 'prometheus-rules' }),
    registry: deps.registry,
  });
}

/**
 * Serves HTTP at once and connects to the bus in the background, retrying with backoff: an
 * orchestrator sees /healthz up and /readyz down until Kafka answers, and webhooks arriving
 * meanwhile get 503 + Retry-After, which Alertmanager retries.
 */
export async function startAlertIngest(deps: AlertIngestDeps): Promise<AlertIngest> {
  const { config, bus, logger } = deps;
  let connected = false;
  let correlator: RunningCorrelator | undefined;
  let stopping = false;
  const isStopping = (): boolean => stopping;
  const readiness: ReadinessCheck[] = [
    {
      name: 'bus',
      check: async () => (connected ? bus.readiness() : { ready: false, detail: 'connecting to the bus' }),
    },
  ];
  const rules = prometheusRules(deps);
  const app = createApp({ ...deps, readiness, ...(rules ? { rules } : {}) });
  const server: RunningServer = await listen(app, config.platform.host, config.port, {
    ...config.platform.http,
    retryAfterSeconds: config.retryAfterSeconds,
  });
  logger.info('alert-ingest listening', { url: server.url, bus: bus.kind });
  rules?.start();

  const started = retryUntilStarted(
    async () => {
      await bus.start(ingestTopics(config));
      connected = true;
      logger.info('bus ready', { bus: bus.kind });
      if (config.correlatorEnabled && !isStopping()) {
        correlator = await startCorrelator({
          bus,
          topics: correlatorTopics(config),
          settings: config.correlation,
          clock: deps.clock,
          logger: logger.child({ component: 'correlator' }),
          registry: deps.registry,
          groupId: config.correlatorGroup,
          instanceId: randomBytes(6).toString('hex'),
          maxMessageBytes: config.limits.messageBytes,
        });
      }
    },
    { isStopping, logger, waitingFor: 'the bus' },
  );

  return {
    url: server.url,
    started,
    close: async () => {
      stopping = true;
      await server.close(config.platform.shutdownTimeoutMs);
      await started.catch(() => undefined);
      await correlator?.close();
      await rules?.stop();
      logger.info('alert-ingest stopped');
    },
  };
}
