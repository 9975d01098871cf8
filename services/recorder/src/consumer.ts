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

/** Reads one record of either topic into the store; a record it cannot use goes to the dead-letter topic. */
export function recordApplier(deps: Omit<RecordingDeps, 'bus'> & { bus: Pick<Bus, 'publish'> }) {
  const { bus, store, topics, logger, metrics } = deps;

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
      return applied.outcome;
    } catch (error) {
      // Two different events claiming one sequence: retrying cannot help, and stalling the
      // partition would stop every other incident on it. Kept aside, loudly.
      if (error instanceof StoreError && error.code === 'conflict') {
        await deadLetter(message, 'sequence_conflict', error.message);
        return 'dead_lettered';
      }
      throw error;
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
