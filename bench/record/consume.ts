// The recorder consuming a pre-loaded incidents topic on a real broker, timed to the end: the
// service itself (startRecorder: its consumer group, batch apply, one store transaction per
// batch), and the anchor, the same bus subscription applying one event per transaction
// (recordApplier, what the recorder did before batches).
import { randomBytes } from 'node:crypto';
import { createBus, type Bus } from '@sitrep/bus';
import { incidentEventMessage } from '@sitrep/codec';
import { EnvReader } from '@sitrep/config';
import { topicNames, type IncidentEventRecordV1 } from '@sitrep/contracts';
import { systemClock } from '@sitrep/domain';
import {
  alertValueImpact,
  createRecorderMetrics,
  loadRecorderConfig,
  recordApplier,
  recorderTopics,
  startRecorder,
  type RecorderConfig,
} from '@sitrep/recorder';
import { openIncidentStore, type IncidentStore } from '@sitrep/store';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import { uniqueName, waitFor } from '@sitrep/testkit';

export interface Consumed {
  /** Events applied while the clock ran (from the first applied record to the last). */
  readonly timedEvents: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** Batches the recorder applied (its batch duration histogram's count). */
  readonly batches: number;
  /** Of the timed seconds, how many the recorder spent applying batches (the histogram's sum, all batches). */
  readonly applySeconds: number;
  /** The anchor stopped at its time budget before the end of the topic. */
  readonly stoppedEarly: boolean;
}

export type StoreTarget =
  { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'postgres'; readonly url: string };

const { logger } = createMemoryLogger('error');
type Registry = ReturnType<typeof createMetricsRegistry>;

/** The recorder's configuration for this run: its own topics, group and store. */
function configFor(bootstrap: string, prefix: string, dataDir: string, store: StoreTarget): RecorderConfig {
  const reader = new EnvReader({
    KAFKA_BROKERS: bootstrap,
    SITREP_TOPIC_PREFIX: prefix,
    SITREP_DATA_DIR: dataDir,
    SITREP_RECORDER_PORT: '0',
    SITREP_UI: 'disabled',
    SITREP_API_TOKEN: randomBytes(24).toString('hex'),
    SITREP_RECORDER_GROUP: uniqueName('bench-recorder'),
    ...(store.kind === 'postgres' ? { SITREP_DATABASE_URL: store.url } : { SITREP_RECORDER_SQLITE: store.path }),
  });
  const config = loadRecorderConfig(reader);
  reader.finish();
  return config;
}

function busFor(config: RecorderConfig, dataDir: string): Bus {
  const { platform } = config;
  return createBus(
    {
      kafkaBrokers: platform.kafkaBrokers,
      topicMinInsyncReplicas: platform.topicMinInsyncReplicas,
      allowWeakTopics: platform.allowWeakTopics,
      clientId: 'bench-recorder',
      dataDir,
      publishTimeoutMs: platform.publishTimeoutMs,
    },
    logger,
  );
}

/** Writes the records on the incidents topic (made as the recorder makes it) as the correlator publishes them. */
export async function preload(
  bootstrap: string,
  prefix: string,
  dataDir: string,
  records: readonly IncidentEventRecordV1[],
): Promise<void> {
  const config = configFor(bootstrap, prefix, dataDir, { kind: 'sqlite', path: `${dataDir}/unused.sqlite` });
  const bus = busFor(config, dataDir);
  await bus.start(recorderTopics(config));
  const topic = topicNames(prefix).incidents;
  for (let offset = 0; offset < records.length; offset += 1000) {
    await bus.publish(
      topic,
      records.slice(offset, offset + 1000).map((record) => incidentEventMessage(record, {})),
    );
  }
  await bus.close();
}

const sumOf = async (registry: Registry, name: string, keep: (labels: Record<string, unknown>) => boolean) =>
  ((await registry.getSingleMetric(name)?.get())?.values ?? [])
    .filter((value) => keep(value.labels))
    .reduce((sum, value) => sum + value.value, 0);

/**
 * Waits for the first applied record, then until `until` says stop (every record applied, or the
 * anchor's budget spent): the events applied in between, per second. Not counting the first
 * batch leaves out joining the group and the first fetch, which are not the recorder's work.
 */
async function clock(
  applied: () => Promise<number>,
  until: (count: number, elapsedMs: number) => boolean,
): Promise<{ timedEvents: number; seconds: number; count: number }> {
  let first = 0;
  await waitFor(async () => (first = await applied()) > 0, {
    timeoutMs: 120_000,
    intervalMs: 2,
    description: 'a first applied record',
  });
  const started = performance.now();
  let count = first;
  await waitFor(async () => until((count = await applied()), performance.now() - started), {
    timeoutMs: 1_800_000,
    intervalMs: 10,
    description: 'the recorder to apply every record',
  });
  const seconds = (performance.now() - started) / 1000;
  return { timedEvents: count - first, seconds, count };
}

async function openStore(config: RecorderConfig): Promise<IncidentStore> {
  const store = openIncidentStore(config.store);
  await store.migrate();
  return store;
}

/** The recorder service consuming the topic from the beginning until every record is applied. */
export async function timeRecorder(
  bootstrap: string,
  prefix: string,
  dataDir: string,
  target: StoreTarget,
  records: number,
): Promise<Consumed> {
  const config = configFor(bootstrap, prefix, dataDir, target);
  const bus = busFor(config, dataDir);
  const store = await openStore(config);
  const registry = createMetricsRegistry({ service: 'recorder', processMetrics: false });
  const recorder = await startRecorder({
    config,
    bus,
    store,
    clock: systemClock,
    logger,
    registry,
    impact: alertValueImpact,
  });
  try {
    await recorder.started;
    const incidents = topicNames(prefix).incidents;
    const applied = () => sumOf(registry, 'sitrep_recorder_records_total', (labels) => labels.topic === incidents);
    const timed = await clock(applied, (count) => count >= records);
    const outcomes = await sumOf(
      registry,
      'sitrep_recorder_records_total',
      (labels) => labels.topic === incidents && labels.outcome === 'applied',
    );
    const stored = (await store.counts()).events;
    if (outcomes !== records || stored !== records) {
      throw new Error(`recorder: ${outcomes} of ${records} records applied, ${stored} events stored`);
    }
    const histogram = (await registry.getSingleMetric('sitrep_recorder_batch_duration_seconds')?.get())?.values ?? [];
    const part = (suffix: string) =>
      histogram
        .filter((value) => (value as { metricName?: string }).metricName?.endsWith(suffix))
        .reduce((sum, value) => sum + value.value, 0);
    const batches = part('_count');
    const applySeconds = part('_sum');
    return { ...perSecond(timed), batches, applySeconds, stoppedEarly: false };
  } finally {
    await recorder.close();
    await bus.close();
    await store.close();
  }
}

const perSecond = (timed: { timedEvents: number; seconds: number }) => ({
  timedEvents: timed.timedEvents,
  seconds: timed.seconds,
  eventsPerSecond: timed.timedEvents / timed.seconds,
});

/**
 * The anchor: the same topic through the same bus, each event applied in its own transaction
 * (applyIncidentEvent: re-reads and folds the incident's stored events). Stops after `budgetMs`
 * when it has not reached the end by then: its cost per event grows with the incident. Timed by
 * its handler (SQLite's calls are synchronous, so a batch never yields to a timer): from the first
 * applied event to the last one applied within the budget.
 */
export async function timeOnePerTransaction(
  bootstrap: string,
  prefix: string,
  dataDir: string,
  target: StoreTarget,
  records: number,
  budgetMs: number,
): Promise<Consumed> {
  const config = configFor(bootstrap, prefix, dataDir, target);
  const bus = busFor(config, dataDir);
  const store = await openStore(config);
  const registry = createMetricsRegistry({ service: 'recorder', processMetrics: false });
  const metrics = createRecorderMetrics(registry, store, systemClock);
  const names = topicNames(prefix);
  const applyOne = recordApplier({ bus, store, topics: names, logger, metrics });
  let applied = 0;
  let first = 0;
  let last = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  await bus.start(recorderTopics(config));
  const subscription = await bus.subscribe({
    groupId: config.consumerGroup,
    topics: [names.incidents],
    fromBeginning: true,
    ephemeral: true,
    eachBatch: async (messages) => {
      for (const message of messages) {
        if (applied >= records || (applied > 0 && performance.now() - first >= budgetMs)) {
          finish();
          return;
        }
        const outcome = await applyOne(message);
        if (outcome !== 'applied') throw new Error(`one per transaction: ${message.offset} ${outcome}`);
        applied += 1;
        last = performance.now();
        if (applied === 1) first = last;
      }
      if (applied >= records) finish();
    },
  });
  try {
    await finished;
    const seconds = (last - first) / 1000;
    return {
      timedEvents: applied - 1,
      seconds,
      eventsPerSecond: (applied - 1) / seconds,
      batches: Number.NaN,
      applySeconds: Number.NaN,
      stoppedEarly: applied < records,
    };
  } finally {
    await subscription.close();
    await bus.close();
    await store.close();
  }
}
