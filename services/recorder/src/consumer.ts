import { SpanKind, context } from '@opentelemetry/api';
import type { Bus, IncomingMessage, Subscription } from '@sitrep/bus';
import {
  deadLetterSender,
  readIncidentEventRecord,
  readTimelineEntryRecord,
  type ReadIncidentEventRecord,
} from '@sitrep/codec';
import { TIMELINE_ENTRY_SCHEMA_NAME, type TopicNames } from '@sitrep/contracts';
import { StoreError, type IncidentStore } from '@sitrep/store';
import { contextFromHeaders, inSpan, type Logger } from '@sitrep/telemetry';
import { applyIncidentEvents, FOLD_CACHE_INCIDENTS } from './batch-apply.js';
import { IncidentFolds } from './incident-folds.js';
import { applyIncidentEvent, applyTimelineEntry, type Applied } from './incident-writer.js';
import { observeMoments, type RecorderMetrics } from './metrics.js';

export interface RecordingDeps {
  readonly bus: Bus;
  readonly store: IncidentStore;
  readonly topics: Pick<TopicNames, 'incidents' | 'entries' | 'deadLetter'>;
  readonly logger: Logger;
  readonly metrics: RecorderMetrics;
}

type Outcome = Applied['outcome'] | 'dead_lettered';

/**
 * How often one record may fail to apply for a reason that is not the store being unavailable
 * (a value the database refuses, a bug) before it is set aside: the batch is delivered again
 * between attempts, so a passing glitch heals, and a record that can never apply stops blocking
 * its partition.
 */
export const MAX_APPLY_ATTEMPTS = 3;

/** Reads one record of either topic into the store; a record it cannot use goes to the dead-letter topic. */
export function recordApplier(deps: Omit<RecordingDeps, 'bus'> & { bus: Pick<Bus, 'publish'> }) {
  return recordAppliers(deps).applyOne;
}

/**
 * The recorder's two ways of applying records: one at a time (either topic), and a batch of
 * incident events in one store transaction with the incidents' folds kept in memory. A batch that
 * fails for a reason other than the store being unavailable is applied again one record at a
 * time, so a record that cannot be applied is retried and set aside on its own as before.
 */
export function recordAppliers(deps: Omit<RecordingDeps, 'bus'> & { bus: Pick<Bus, 'publish'> }) {
  const { bus, store, topics, logger, metrics } = deps;
  const folds = new IncidentFolds(FOLD_CACHE_INCIDENTS);
  /** Failed attempts per record not yet applied, by topic, partition and offset. */
  const failures = new Map<string, number>();

  const deadLetter = deadLetterSender({
    publish: (topic, messages) => bus.publish(topic, messages),
    topic: topics.deadLetter,
    logger,
    deadLetters: metrics.deadLetters,
  });

  const apply = async (message: IncomingMessage): Promise<Outcome> => {
    const read = message.topic === topics.entries ? readTimelineEntryRecord(message) : readIncidentEventRecord(message);
    if (!read.ok) {
      await deadLetter(message, read.reason, read.detail);
      return 'dead_lettered';
    }
    try {
      const applied =
        read.value.schema === TIMELINE_ENTRY_SCHEMA_NAME
          ? await applyTimelineEntry(store, read.value)
          : await applyIncidentEvent(store, read.value);
      observeMoments(metrics, applied);
      if (failures.size > 0) failures.delete(`${message.topic}/${String(message.partition)}/${message.offset}`);
      return applied.outcome;
    } catch (error) {
      // Two different events claiming one sequence: retrying cannot help, and stalling the
      // partition would stop every other incident on it. Kept aside, loudly.
      if (error instanceof StoreError && error.code === 'conflict') {
        await deadLetter(message, 'sequence_conflict', error.message);
        return 'dead_lettered';
      }
      // The store is down: retrying is right however long it takes (the bus backs off).
      if (error instanceof StoreError && error.code === 'unavailable') throw error;
      const key = `${message.topic}/${String(message.partition)}/${message.offset}`;
      const attempts = (failures.get(key) ?? 0) + 1;
      if (attempts < MAX_APPLY_ATTEMPTS) {
        failures.set(key, attempts);
        logger.warn('record failed to apply; it will be retried', {
          topic: message.topic,
          offset: message.offset,
          attempt: attempts,
          error: error as Error,
        });
        throw error;
      }
      failures.delete(key);
      await deadLetter(message, 'apply_failed', `after ${attempts} attempts: ${(error as Error).message}`);
      return 'dead_lettered';
    }
  };

  const applyOne = async (message: IncomingMessage): Promise<Outcome> => {
    const outcome = await inSpan(
      'record incident event',
      {
        'messaging.system': 'kafka',
        'messaging.source.name': message.topic,
        'messaging.source.partition': message.partition,
        'messaging.kafka.message.offset': message.offset,
      },
      () => apply(message),
      { kind: SpanKind.CONSUMER, parent: contextFromHeaders(message.headers, context.active()) },
    );
    metrics.records.inc({ topic: message.topic, outcome });
    return outcome;
  };

  const applyEvents = async (messages: readonly IncomingMessage[]): Promise<void> => {
    const readable: { message: IncomingMessage; record: ReadIncidentEventRecord }[] = [];
    for (const message of messages) {
      const read = readIncidentEventRecord(message);
      if (read.ok) {
        readable.push({ message, record: read.value });
      } else {
        await deadLetter(message, read.reason, read.detail);
        metrics.records.inc({ topic: message.topic, outcome: 'dead_lettered' });
      }
    }
    if (readable.length === 0) return;
    let results: Awaited<ReturnType<typeof applyIncidentEvents>>;
    try {
      results = await applyIncidentEvents(
        store,
        folds,
        readable.map(({ record }) => record),
      );
    } catch (error) {
      if (error instanceof StoreError && error.code === 'unavailable') throw error;
      folds.clear();
      logger.warn('a batch of incident events failed to apply; applying its records one at a time', {
        records: readable.length,
        error: error as Error,
      });
      for (const { message } of readable) await applyOne(message);
      return;
    }
    for (const [index, result] of results.entries()) {
      const { message } = readable[index] as (typeof readable)[number];
      if (failures.size > 0) failures.delete(`${message.topic}/${String(message.partition)}/${message.offset}`);
      if (result.outcome === 'conflict') {
        // As one at a time: two events claiming one sequence are kept aside, loudly.
        await deadLetter(message, 'sequence_conflict', result.detail);
        metrics.records.inc({ topic: message.topic, outcome: 'dead_lettered' });
        continue;
      }
      observeMoments(metrics, result);
      metrics.records.inc({ topic: message.topic, outcome: result.outcome });
    }
  };

  /** A batch of one partition: incident events together, entries one at a time. */
  const applyBatch = async (messages: readonly IncomingMessage[]): Promise<void> => {
    const first = messages[0];
    if (first === undefined) return;
    if (first.topic !== topics.incidents) {
      for (const message of messages) await applyOne(message);
      return;
    }
    await inSpan(
      'record incident events',
      {
        'messaging.system': 'kafka',
        'messaging.source.name': first.topic,
        'messaging.source.partition': first.partition,
        'messaging.kafka.message.offset': first.offset,
        'messaging.batch.message_count': messages.length,
      },
      () => applyEvents(messages),
      { kind: SpanKind.CONSUMER, parent: contextFromHeaders(first.headers, context.active()) },
    );
  };

  return { applyOne, applyBatch };
}

/**
 * The recorder's consumer group on the incidents and timeline-entries topics. A batch's offsets
 * are committed only after every record in it is stored (at-least-once; a redelivery is a
 * duplicate by id): a batch of incident events is one store transaction, durable before the bus
 * commits past it. A store failure fails the batch, which the bus delivers again.
 */
export async function startRecording(deps: RecordingDeps & { groupId: string }): Promise<Subscription> {
  const { applyBatch } = recordAppliers(deps);
  return deps.bus.subscribe({
    groupId: deps.groupId,
    topics: [deps.topics.incidents, deps.topics.entries],
    fromBeginning: true,
    eachBatch: async (messages) => {
      const end = deps.metrics.applyDuration.startTimer();
      await applyBatch(messages);
      end();
    },
  });
}
