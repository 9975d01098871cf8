import { SpanKind, context } from '@opentelemetry/api';
import type { Bus, IncomingMessage, Subscription } from '@sitrep/bus';
import { deadLetterSender, readIncidentEventRecord, readTimelineEntryRecord } from '@sitrep/codec';
import { TIMELINE_ENTRY_SCHEMA_NAME, type TopicNames } from '@sitrep/contracts';
import { StoreError, type IncidentStore } from '@sitrep/store';
import { contextFromHeaders, inSpan, type Logger } from '@sitrep/telemetry';
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
  const { bus, store, topics, logger, metrics } = deps;
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

  return async (message: IncomingMessage): Promise<Outcome> => {
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
}

/**
 * The recorder's consumer group on the incidents and timeline-entries topics. A batch's offsets
 * are committed only after every record in it is stored (at-least-once; a redelivery is a
 * duplicate by id). A store failure fails the batch, which the bus delivers again.
 */
export async function startRecording(deps: RecordingDeps & { groupId: string }): Promise<Subscription> {
  const applyOne = recordApplier(deps);
  return deps.bus.subscribe({
    groupId: deps.groupId,
    topics: [deps.topics.incidents, deps.topics.entries],
    fromBeginning: true,
    eachBatch: async (messages) => {
      const end = deps.metrics.applyDuration.startTimer();
      for (const message of messages) await applyOne(message);
      end();
    },
  });
}
