import type { ConsumedRecord, DeadLetterReason } from './consumed-record.js';
import type { EncodedMessage } from './envelope.js';

/**
 * The record to publish on the dead-letter topic: the original key, value and headers, plus why
 * and where it came from, so it can be inspected and re-published once fixed.
 */
export function deadLetterMessage(record: ConsumedRecord, reason: DeadLetterReason, detail: string): EncodedMessage {
  return {
    key: record.key ?? '',
    value: record.value,
    headers: {
      ...record.headers,
      'sitrep-dead-letter-reason': reason,
      'sitrep-dead-letter-detail': detail.slice(0, 1000),
      'sitrep-source-topic': record.topic,
      'sitrep-source-partition': String(record.partition),
      'sitrep-source-offset': record.offset,
    },
  };
}

export interface DeadLetterDeps {
  readonly publish: (topic: string, messages: readonly EncodedMessage[]) => Promise<void>;
  /** The dead-letter topic. */
  readonly topic: string;
  readonly logger: { warn(message: string, fields: Record<string, unknown>): void };
  /** Counted by reason, a fixed set: `sitrep_<consumer>_dead_letters_total{reason}`. */
  readonly deadLetters: { inc(labels: { reason: DeadLetterReason }): void };
}

/** Sends a record a consumer cannot use aside, loudly: a log line, the dead-letter topic, a metric. */
export type DeadLetterSend = (record: ConsumedRecord, reason: DeadLetterReason, detail: string) => Promise<void>;

/**
 * The one dead-letter path of every consumer (correlator, recorder). Publishing it before the
 * consumer moves on means the record is kept even though its offset is then committed.
 */
export function deadLetterSender(deps: DeadLetterDeps): DeadLetterSend {
  return async (record, reason, detail) => {
    deps.logger.warn('record sent to the dead-letter topic', {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      reason,
      detail,
    });
    await deps.publish(deps.topic, [deadLetterMessage(record, reason, detail)]);
    deps.deadLetters.inc({ reason });
  };
}
