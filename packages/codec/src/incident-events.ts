import {
  HEADERS,
  INCIDENT_EVENT_SCHEMA_NAME,
  INCIDENT_EVENT_TYPES,
  parseFutureIncidentEventRecord,
  parseIncidentEventRecord,
  type FutureIncidentEventRecord,
  type IncidentEventRecordV1,
} from '@sitrep/contracts';
import type { IncidentEvent } from '@sitrep/domain';
import { readRecord, type ConsumedRecord, type ReadResult } from './consumed-record.js';
import { envelope, type EncodedMessage } from './envelope.js';

/** An incident event record as read: of a type this version knows, or one a newer version added. */
export type ReadIncidentEventRecord = IncidentEventRecordV1 | FutureIncidentEventRecord;

const KNOWN_TYPES = new Set<string>(INCIDENT_EVENT_TYPES);

const isKnown = (record: ReadIncidentEventRecord): record is IncidentEventRecordV1 => KNOWN_TYPES.has(record.type);

/** Dates become ISO strings; everything else is already wire-shaped. */
export function incidentEventRecord(event: IncidentEvent): IncidentEventRecordV1 {
  const json = JSON.parse(JSON.stringify(event)) as Omit<IncidentEventRecordV1, 'schema'>;
  return { schema: INCIDENT_EVENT_SCHEMA_NAME, ...json } as IncidentEventRecordV1;
}

const date = (value: string): Date => new Date(value);

/**
 * An incident event read from the topic, back as the domain event: the inverse of
 * incidentEventRecord, so consumers fold the very events the correlator emitted.
 */
export function incidentEventFromRecord(record: ReadIncidentEventRecord): IncidentEvent {
  const base = {
    id: record.id,
    incidentId: record.incidentId,
    sequence: record.sequence,
    occurredAt: date(record.occurredAt),
  };
  if (!isKnown(record)) return { ...base, type: 'incident.unrecognised', data: { type: record.type } };
  switch (record.type) {
    case 'incident.opened':
      return {
        ...base,
        type: record.type,
        data: { ...record.data, startedAt: date(record.data.startedAt), detectedAt: date(record.data.detectedAt) },
      };
    case 'incident.alert_attached': {
      const { condition, ...alert } = record.data.alert;
      return {
        ...base,
        type: record.type,
        data: {
          alert: {
            ...alert,
            startsAt: date(alert.startsAt),
            receivedAt: date(alert.receivedAt),
            // Absent on events written before it existed: when the condition began is unknown.
            ...(condition === undefined ? {} : { condition: { ...condition, since: date(condition.since) } }),
          },
        },
      };
    }
    case 'incident.alert_resolved':
      return {
        ...base,
        type: record.type,
        data: {
          ...record.data,
          endsAt: date(record.data.endsAt),
          receivedAt: date(record.data.receivedAt),
          reason: record.data.reason ?? 'resolved',
        },
      };
    case 'incident.change_attached':
      return {
        ...base,
        type: record.type,
        data: { change: { ...record.data.change, at: date(record.data.change.at) } },
      };
    case 'incident.severity_changed':
      return { ...base, type: record.type, data: record.data };
    case 'incident.cause_ranked':
      return {
        ...base,
        type: record.type,
        data: {
          hints: record.data.hints.map(({ changeId, ...hint }) => ({
            ...hint,
            since: date(hint.since),
            ...(changeId === undefined ? {} : { changeId }),
          })),
        },
      };
    case 'incident.resolving':
      return { ...base, type: record.type, data: { resolvesAt: date(record.data.resolvesAt) } };
    case 'incident.resolved':
      return { ...base, type: record.type, data: { resolvedAt: date(record.data.resolvedAt) } };
    case 'incident.reopened':
      return { ...base, type: record.type, data: record.data };
  }
}

/** Keyed by incident id: one incident's events stay in order on one partition. */
export function incidentEventMessage(
  record: IncidentEventRecordV1,
  trace: Readonly<Record<string, string>>,
): EncodedMessage {
  return envelope(record.incidentId, record, record.id, trace, { [HEADERS.eventType]: record.type });
}

/**
 * The messages of the correlator's events, as it publishes them. The value is the event
 * serialised once, schema first: the same JSON as incidentEventRecord's, without building the
 * record through a JSON round trip first (a storm's batch has tens of thousands of events).
 */
export function incidentEventMessages(
  events: readonly IncidentEvent[],
  trace: Readonly<Record<string, string>>,
): EncodedMessage[] {
  return events.map((event) =>
    envelope(event.incidentId, { schema: INCIDENT_EVENT_SCHEMA_NAME, ...event }, event.id, trace, {
      [HEADERS.eventType]: event.type,
    }),
  );
}

/** A consumed incidents-topic record, still in its wire form (the recorder stores it as read). */
/**
 * A consumed incidents-topic record, still in its wire form (the recorder stores it as read). An
 * event of a type a newer Sitrep added is read too (kept as it came), so that during a rolling
 * upgrade it holds its place in its incident's sequence instead of leaving the rest waiting.
 */
export function readIncidentEventRecord(message: ConsumedRecord): ReadResult<ReadIncidentEventRecord> {
  const read = readRecord(message, INCIDENT_EVENT_SCHEMA_NAME, parseIncidentEventRecord);
  if (read.ok || read.reason !== 'schema_violation') return read;
  const future = readRecord(message, INCIDENT_EVENT_SCHEMA_NAME, parseFutureIncidentEventRecord);
  return future.ok ? future : read;
}
