import type { ConsumedRecord, DeadLetterReason } from './consumed-record.js';
import type { EncodedMessage } from './envelope.js';

const DEAD_LETTER_HEADERS = {
  reason: 'sitrep-dead-letter-reason',
  detail: 'sitrep-dead-letter-detail',
  topic: 'sitrep-source-topic',
  partition: 'sitrep-source-partition',
  offset: 'sitrep-source-offset',
} as const;

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
      [DEAD_LETTER_HEADERS.reason]: reason,
      [DEAD_LETTER_HEADERS.detail]: detail.slice(0, 1000),
      [DEAD_LETTER_HEADERS.topic]: record.topic,
      [DEAD_LETTER_HEADERS.partition]: String(record.partition),
      [DEAD_LETTER_HEADERS.offset]: record.offset,
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

/** A dead letter, read back: where it came from and why, and the record as it was. */
export interface DeadLetter {
  readonly sourceTopic: string;
  readonly reason: string;
  readonly detail: string;
  /** The original record, to publish on its topic again once what refused it is fixed. */
  readonly original: EncodedMessage;
}

/** The inverse of deadLetterMessage; null for a record on the topic that is not a dead letter. */
export function readDeadLetter(record: ConsumedRecord): DeadLetter | null {
  const { [DEAD_LETTER_HEADERS.reason]: reason, [DEAD_LETTER_HEADERS.topic]: sourceTopic } = record.headers;
  if (reason === undefined || sourceTopic === undefined) return null;
  const ours = new Set<string>(Object.values(DEAD_LETTER_HEADERS));
  const headers = Object.fromEntries(Object.entries(record.headers).filter(([name]) => !ours.has(name)));
  return {
    sourceTopic,
    reason,
    detail: record.headers[DEAD_LETTER_HEADERS.detail] ?? '',
    original: { key: record.key ?? '', value: record.value, headers },
  };
}
