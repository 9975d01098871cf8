import { randomBytes } from 'node:crypto';
import { SpanKind, type Context } from '@opentelemetry/api';
import { isBusError, rootCauseMessage, type Bus, type Subscription, type TopicSpec } from '@sitrep/bus';
import { timelineEntryMessage } from '@sitrep/codec';
import { topicNames, type TimelineEntryRecordV1 } from '@sitrep/contracts';
import type { Clock } from '@sitrep/domain';
import { ApiError, listen, retryUntilStarted, unavailable, type ReadinessCheck } from '@sitrep/http';
import type { IncidentStore } from '@sitrep/store';
import { inSpan, traceHeaders, type Logger } from '@sitrep/telemetry';
import type { Registry } from 'prom-client';
import { createRecorderApp } from './app.js';
import type { RecorderConfig } from './config.js';
import { startRecording } from './consumer.js';
import type { ImpactSource } from './impact-source.js';
import { createRecorderMetrics } from './metrics.js';
import { startUi, type RunningUi } from './ui/index.js';

export interface RecorderDeps {
  readonly config: RecorderConfig;
  readonly bus: Bus;
  readonly store: IncidentStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly impact: ImpactSource;
}

export interface Recorder {
  readonly url: string;
  /** The web UI's URL; null when SITREP_UI=disabled. */
  readonly uiUrl: string | null;
  /** Resolves once the store is migrated, the topics exist and the consumer has joined. */
  readonly started: Promise<void>;
  /** Stops accepting requests, finishes in-flight ones and the batch being stored, then leaves the group. */
  close(): Promise<void>;
}

export function recorderTopics(config: Pick<RecorderConfig, 'platform'>): TopicSpec[] {
  const names = topicNames(config.platform.topicPrefix);
  const { topicPartitions: partitions, topicReplicationFactor: replicationFactor } = config.platform;
  return [
    { name: names.incidents, partitions, replicationFactor },
    { name: names.entries, partitions, replicationFactor },
    { name: names.deadLetter, partitions: 1, replicationFactor },
  ];
}

/**
 * Serves HTTP at once (reads work from the store while the bus connects) and joins the consumer
 * group in the background, retrying with backoff; /readyz says what it is waiting for.
 */
export async function startRecorder(deps: RecorderDeps): Promise<Recorder> {
  const { config, bus, store, logger } = deps;
  const names = topicNames(config.platform.topicPrefix);
  const metrics = createRecorderMetrics(deps.registry, store, deps.clock, {
    maxServices: config.metricsMaxServices,
  });
  let storeReady = false;
  let busReady = false;
  let subscription: Subscription | undefined;
  let stopping = false;
  const isStopping = (): boolean => stopping;

  const readiness: ReadinessCheck[] = [
    {
      name: 'store',
      check: async () => {
        if (!storeReady) return { ready: false, detail: `migrating the ${store.kind} store` };
        // A primary-key lookup: proves the database answers without scanning anything.
        await store.incident('readiness-probe');
        return { ready: true, detail: store.kind };
      },
    },
    {
      name: 'bus',
      check: async () => (busReady ? bus.readiness() : { ready: false, detail: 'connecting to the bus' }),
    },
  ];

  const publishEntry = (record: TimelineEntryRecordV1, parent: Context) =>
    inSpan(
      `publish ${names.entries}`,
      {
        'messaging.system': 'kafka',
        'messaging.destination.name': names.entries,
        'messaging.operation.type': 'publish',
      },
      async () => {
        if (!busReady) throw unavailable('connecting to the bus; retry shortly', config.retryAfterSeconds);
        try {
          await bus.publish(names.entries, [timelineEntryMessage(record, traceHeaders())]);
        } catch (error) {
          // Refused for good (no authorisation, a record too large): a retry would fail the same way.
          if (isBusError(error) && !error.retriable) {
            logger.error('timeline entry publish refused for good; retrying will not help', {
              topic: names.entries,
              errorClass: error.errorClass,
              cause: rootCauseMessage(error),
              error,
            });
            throw new ApiError(
              'internal',
              `the bus refused the entry for good (${error.errorClass}); see the recorder log`,
            );
          }
          logger.warn('could not publish a timeline entry', { error: error as Error });
          throw unavailable('could not store the entry durably; retry later', config.retryAfterSeconds);
        }
      },
      { kind: SpanKind.PRODUCER, parent },
    );

  const app = createRecorderApp({ ...deps, metrics, readiness, publishEntry });
  const server = await listen(app, config.platform.host, config.port, {
    ...config.platform.http,
    retryAfterSeconds: config.retryAfterSeconds,
  });
  logger.info('recorder listening', { url: server.url, store: store.kind, bus: bus.kind });
  let ui: RunningUi | null = null;
  if (config.ui) {
    try {
      ui = await startUi(
        {
          ...deps,
          metrics,
          publishEntry,
          access: config.access,
          ui: config.ui,
          maxBodyBytes: config.maxBodyBytes,
          maxEntrySkewMs: config.maxEntrySkewMs,
          prometheus: config.prometheus,
        },
        config.platform.host,
        { ...config.platform.http, retryAfterSeconds: config.retryAfterSeconds },
        logger.child({ component: 'web-ui' }),
      );
    } catch (error) {
      await server.close(config.platform.shutdownTimeoutMs);
      throw error;
    }
  }

  const started = retryUntilStarted(
    async () => {
      if (!storeReady) {
        await store.migrate();
        storeReady = true;
      }
      await bus.start(recorderTopics(config));
      busReady = true;
      if (isStopping()) return;
      subscription = await startRecording({
        bus,
        store,
        topics: names,
        logger: logger.child({ component: 'recording', instance: randomBytes(4).toString('hex') }),
        metrics,
        groupId: config.consumerGroup,
      });
      logger.info('recording incident events', { group: config.consumerGroup });
    },
    { isStopping, logger, waitingFor: 'the store or the bus' },
  );

  return {
    url: server.url,
    uiUrl: ui?.url ?? null,
    started,
    close: async () => {
      stopping = true;
      await Promise.all([
        server.close(config.platform.shutdownTimeoutMs),
        ui?.close(config.platform.shutdownTimeoutMs),
      ]);
      await started.catch(() => undefined);
      // Waits for the batch being stored; its offsets are committed only if it completed.
      await subscription?.close();
      logger.info('recorder stopped');
    },
  };
}
