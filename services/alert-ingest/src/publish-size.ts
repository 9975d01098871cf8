import type { OutgoingMessage } from '@sitrep/bus';
import type { AlertmanagerWebhook } from '@sitrep/contracts';
import type { Alert } from '@sitrep/domain';
import { ApiError, type FieldProblem } from '@sitrep/http';
import { LIMIT_VARIABLES, type InputLimits } from './input-limits.js';

/**
 * Kafka's framing of one record in a v2 batch: its length, attributes, timestamp and offset
 * deltas, key and value lengths (varints, at most 5 bytes each), and per header two lengths.
 * Rounded up: the estimate must never be under what the broker counts.
 */
const RECORD_OVERHEAD_BYTES = 32;
const HEADER_OVERHEAD_BYTES = 10;
/** A record batch's own header (61 bytes in format v2), rounded up. */
export const BATCH_OVERHEAD_BYTES = 128;

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** The bytes a record takes in a batch, as the broker counts them against max.message.bytes. */
export function recordBytes(message: OutgoingMessage): number {
  let bytes = RECORD_OVERHEAD_BYTES + utf8Bytes(message.key) + utf8Bytes(message.value ?? '');
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    bytes += HEADER_OVERHEAD_BYTES + utf8Bytes(name) + utf8Bytes(value);
  }
  return bytes;
}

/** Names the request field a record came from, for a 413 (`alerts[3]`, `the alert HighErrorRate`). */
export type RecordNamer = (index: number) => { readonly field: string; readonly what: string };

/**
 * The records in produce requests of at most `messageBytes` each, in their order. Kafka refuses
 * a batch over its topic's max.message.bytes for good (MESSAGE_TOO_LARGE), so one notification
 * of many small alerts would otherwise never be stored: split, each request is a batch the
 * broker takes, and since records carry stable ids a retry after a partial failure only repeats
 * records, which consumers drop. A record that alone is over the limit cannot be split: 413,
 * before anything is written; likewise all records together over `publishBytes`.
 */
export function planPublish<M extends OutgoingMessage>(
  messages: readonly M[],
  limits: Pick<InputLimits, 'messageBytes' | 'publishBytes'>,
  name: RecordNamer,
): M[][] {
  const room = limits.messageBytes - BATCH_OVERHEAD_BYTES;
  const sizes = messages.map(recordBytes);
  const tooLarge: FieldProblem[] = [];
  sizes.forEach((size, index) => {
    if (size <= room) return;
    const { field, what } = name(index);
    tooLarge.push({
      field,
      message: `${what} makes a record of ${size + BATCH_OVERHEAD_BYTES} bytes, over the bus's limit of ${limits.messageBytes} (${LIMIT_VARIABLES.messageBytes})`,
    });
  });
  if (tooLarge.length > 0) {
    throw new ApiError(
      'payload_too_large',
      `${tooLarge.length} record(s) would be larger than the bus takes (${LIMIT_VARIABLES.messageBytes}=${limits.messageBytes})`,
      { details: tooLarge },
    );
  }
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (total > limits.publishBytes) {
    const message = `would publish ${total} bytes of records, over the limit of ${limits.publishBytes} (${LIMIT_VARIABLES.publishBytes})`;
    throw new ApiError('payload_too_large', `the request ${message}`, { details: [{ field: '(body)', message }] });
  }
  return inProduceRequests(messages, limits.messageBytes);
}

/**
 * Messages in produce requests whose batches stay within `messageBytes` each, in their order (a
 * message that alone is larger goes alone). Every publisher of many records uses it: ingest for a
 * notification's alerts, the correlator for a batch's incident events.
 */
export function inProduceRequests<M extends OutgoingMessage>(messages: readonly M[], messageBytes: number): M[][] {
  const room = messageBytes - BATCH_OVERHEAD_BYTES;
  const chunks: M[][] = [];
  let chunk: M[] = [];
  let used = 0;
  for (const message of messages) {
    const size = recordBytes(message);
    if (chunk.length > 0 && used + size > room) {
      chunks.push(chunk);
      chunk = [];
      used = 0;
    }
    chunk.push(message);
    used += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/**
 * Names an alert's record: by its index when the notification listed every alert once (the
 * records are then in the alerts' order), else by its name and fingerprint.
 */
export function alertRecordNamer(webhook: Pick<AlertmanagerWebhook, 'alerts'>, alerts: readonly Alert[]): RecordNamer {
  return (index) => {
    const alert = alerts[index];
    const what = `the alert ${alert?.labels.alertname ?? '(no alertname)'} (fingerprint ${alert?.fingerprint ?? '?'})`;
    return { field: alerts.length === webhook.alerts.length ? `alerts[${index}]` : 'alerts', what };
  };
}

/** A change request publishes one record: the body. */
export const changeRecordNamer: RecordNamer = () => ({ field: '(body)', what: 'the change' });
