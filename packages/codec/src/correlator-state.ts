import { gunzipSync, gzipSync } from 'node:zlib';
import type { OutgoingMessageTo } from '@sitrep/bus';
import {
  CORRELATOR_STATE_PART_SCHEMA_NAME,
  CORRELATOR_STATE_SCHEMA_NAME,
  parseCorrelatorStatePartRecord,
  parseCorrelatorStateRecord,
  type CorrelatorLayoutPart,
  type CorrelatorPositionPart,
  type CorrelatorStatePartRecordV2,
  type CorrelatorStateRecordV1,
} from '@sitrep/contracts';
import { partKey, type CorrelatorSnapshot, type CorrelatorStatePart } from '@sitrep/domain';
import { readRecord, type ConsumedRecord, type ReadResult } from './consumed-record.js';
import { envelope, type EncodedMessage } from './envelope.js';

/**
 * One alerts partition's correlator state as stored: the snapshot stays packed (gzipped JSON in
 * base64, about a tenth of its unpacked size) until a correlator needs it.
 */
export function correlatorStateRecord(
  partition: number,
  nextOffset: bigint,
  snapshot: CorrelatorSnapshot,
): CorrelatorStateRecordV1 {
  return {
    schema: CORRELATOR_STATE_SCHEMA_NAME,
    partition,
    nextOffset: nextOffset.toString(),
    snapshot: gzipSync(JSON.stringify(snapshot)).toString('base64'),
  };
}

export function correlatorSnapshotOf(record: CorrelatorStateRecordV1): CorrelatorSnapshot {
  return JSON.parse(gunzipSync(Buffer.from(record.snapshot, 'base64')).toString('utf8')) as CorrelatorSnapshot;
}

/**
 * One key per alerts partition on a compacted topic, all written to its partition 0, so one read
 * of one partition restores every alerts partition's latest state.
 */
export function correlatorStateMessage(record: CorrelatorStateRecordV1): EncodedMessage {
  const id = `${record.partition}@${record.nextOffset}`;
  return { ...envelope(`alerts-partition-${record.partition}`, record, id, {}), partition: 0 };
}

export function readCorrelatorState(message: ConsumedRecord): ReadResult<CorrelatorStateRecordV1> {
  return readRecord(message, CORRELATOR_STATE_SCHEMA_NAME, parseCorrelatorStateRecord);
}

/** The key of one part of one alerts partition's state on the parts topic. */
const partRecordKey = (partition: number, key: string): string => `${partition}/${key}`;

function partMessage(
  partition: number,
  key: string,
  part: CorrelatorStatePartRecordV2['part'] | null,
): OutgoingMessageTo {
  const recordKey = partRecordKey(partition, key);
  if (part === null) return { key: recordKey, value: null, partition };
  const record: CorrelatorStatePartRecordV2 = { schema: CORRELATOR_STATE_PART_SCHEMA_NAME, partition, part };
  return { ...envelope(recordKey, record, recordKey, {}), partition };
}

/**
 * The records that store `parts` of an alerts partition's state, and where the state has got to
 * in the alerts partition: a part whose body is null becomes a tombstone, so the compacted topic
 * forgets it.
 */
export function correlatorStatePartMessages(
  partition: number,
  parts: readonly CorrelatorStatePart[],
  nextOffset: bigint,
): OutgoingMessageTo[] {
  const messages = parts.map((part) =>
    partMessage(partition, partKey(part), part.body === null ? null : (part as CorrelatorStatePartRecordV2['part'])),
  );
  const position: CorrelatorPositionPart = { kind: 'position', nextOffset: nextOffset.toString() };
  messages.push(partMessage(partition, 'position', { ...position }));
  return messages;
}

/** The layout record: on partition 0 of the parts topic, whatever the alerts partitions. */
export function correlatorLayoutMessage(layout: Omit<CorrelatorLayoutPart, 'kind'>): OutgoingMessageTo {
  return partMessage(0, 'layout', { kind: 'layout', ...layout });
}

/** Removes a partition's whole-snapshot record from the v1 topic, once its state is stored in parts. */
export function correlatorStateTombstone(partition: number): OutgoingMessageTo {
  return { key: `alerts-partition-${partition}`, value: null, partition: 0 };
}

/** An alerts partition's state as read back from the parts topic: the latest record per key. */
export interface StoredCorrelatorParts {
  readonly parts: CorrelatorStatePart[];
  /** Null when the partition's state was never stored in parts. */
  readonly nextOffset: bigint | null;
  readonly layout: CorrelatorLayoutPart | null;
  /** Records that were not parts of this format, left alone. */
  readonly unreadable: number;
}

/** Folds one partition's records of the parts topic into the parts they leave (tombstones remove). */
export function readCorrelatorStateParts(
  messages: readonly ConsumedRecord[],
  partition: number,
): StoredCorrelatorParts {
  const latest = new Map<string, CorrelatorStatePartRecordV2 | null>();
  let unreadable = 0;
  for (const message of messages) {
    if (message.key === null) continue;
    if (message.tombstone) {
      latest.set(message.key, null);
      continue;
    }
    const read = readRecord(message, CORRELATOR_STATE_PART_SCHEMA_NAME, parseCorrelatorStatePartRecord);
    if (!read.ok || read.value.partition !== partition) unreadable += 1;
    else latest.set(message.key, read.value);
  }
  const parts: CorrelatorStatePart[] = [];
  let nextOffset: bigint | null = null;
  let layout: CorrelatorLayoutPart | null = null;
  for (const record of latest.values()) {
    if (record === null) continue;
    const { part } = record;
    if (part.kind === 'position') nextOffset = BigInt((part as unknown as CorrelatorPositionPart).nextOffset);
    else if (part.kind === 'layout') layout = part as unknown as CorrelatorLayoutPart;
    else parts.push(part as unknown as CorrelatorStatePart);
  }
  return { parts, nextOffset, layout, unreadable };
}
