import { parseTimelineEntryRecord, TIMELINE_ENTRY_SCHEMA_NAME, type TimelineEntryRecordV1 } from '@sitrep/contracts';
import { readRecord, type ConsumedRecord, type ReadResult } from './consumed-record.js';
import { envelope, type EncodedMessage } from './envelope.js';

/** Keyed by incident id, like the incident's events. */
export function timelineEntryMessage(
  record: TimelineEntryRecordV1,
  trace: Readonly<Record<string, string>>,
): EncodedMessage {
  return envelope(record.incidentId, record, record.id, trace);
}

export function readTimelineEntryRecord(message: ConsumedRecord): ReadResult<TimelineEntryRecordV1> {
  return readRecord(message, TIMELINE_ENTRY_SCHEMA_NAME, parseTimelineEntryRecord);
}
