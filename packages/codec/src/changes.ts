import {
  CHANGE_RECORD_SCHEMA_NAME,
  parseChangeRecord,
  type ChangeRecordV1,
  type ChangeRequest,
} from '@sitrep/contracts';
import { changeId, normaliseLabels, type Change, type CorrelationSettings } from '@sitrep/domain';
import { readRecord, type ConsumedRecord, type ReadResult } from './consumed-record.js';
import { envelope, type EncodedMessage } from './envelope.js';

export function changeFromRequest(request: ChangeRequest, receivedAt: Date): Change {
  return {
    id: request.id ?? changeId(request.service, request.kind, request.at, request.summary),
    service: request.service,
    kind: request.kind,
    summary: request.summary,
    at: request.at,
    labels: normaliseLabels(request.labels),
    link: request.link ?? null,
    receivedAt,
  };
}

export function changeRecord(change: Change): ChangeRecordV1 {
  return {
    schema: CHANGE_RECORD_SCHEMA_NAME,
    id: change.id,
    service: change.service,
    kind: change.kind,
    summary: change.summary,
    at: change.at.toISOString(),
    labels: change.labels,
    link: change.link,
    receivedAt: change.receivedAt.toISOString(),
  };
}

/** Keyed like alerts (by dependency component), so a change sits beside the alerts it may explain. */
export function changeMessage(
  change: Change,
  settings: Pick<CorrelationSettings, 'dependencies'>,
  trace: Readonly<Record<string, string>>,
): EncodedMessage {
  return envelope(settings.dependencies.component(change.service), changeRecord(change), change.id, trace);
}

export function changeFromRecord(record: ChangeRecordV1): Change {
  return {
    id: record.id,
    service: record.service,
    kind: record.kind,
    summary: record.summary,
    at: new Date(record.at),
    labels: record.labels,
    link: record.link,
    receivedAt: new Date(record.receivedAt),
  };
}

export function readChange(message: ConsumedRecord): ReadResult<Change> {
  const read = readRecord(message, CHANGE_RECORD_SCHEMA_NAME, parseChangeRecord);
  return read.ok ? { ok: true, value: changeFromRecord(read.value) } : read;
}
