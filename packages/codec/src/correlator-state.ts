import { gunzipSync, gzipSync } from 'node:zlib';
import {
  CORRELATOR_STATE_SCHEMA_NAME,
  parseCorrelatorStateRecord,
  type CorrelatorStateRecordV1,
} from '@sitrep/contracts';
import type { CorrelatorSnapshot } from '@sitrep/domain';
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
