import type { AlertRecordV1, ChangeRecordV1, IncidentEventRecordV1 } from '@sitrep/contracts';
import { INCIDENT_EVENT_SCHEMA_NAME } from '@sitrep/contracts';
import type { Alert, Change, IncidentEvent } from '@sitrep/domain';

/** An alert record read back from the alerts topic, as the domain value it was made from. */
export function alertFromRecord(record: AlertRecordV1): Alert {
  return {
    occurrenceId: record.id,
    fingerprint: record.fingerprint,
    status: record.status,
    labels: record.labels,
    annotations: record.annotations,
    startsAt: new Date(record.startsAt),
    endsAt: record.endsAt === null ? null : new Date(record.endsAt),
    generatorURL: record.generatorURL,
    receivedAt: new Date(record.receivedAt),
  };
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
export function incidentEventFromRecord(record: IncidentEventRecordV1): IncidentEvent {
  const base = {
    id: record.id,
    incidentId: record.incidentId,
    sequence: record.sequence,
    occurredAt: date(record.occurredAt),
  };
  switch (record.type) {
    case 'incident.opened':
      return {
        ...base,
        type: record.type,
        data: { ...record.data, startedAt: date(record.data.startedAt), detectedAt: date(record.data.detectedAt) },
      };
    case 'incident.alert_attached':
      return {
        ...base,
        type: record.type,
        data: {
          alert: {
            ...record.data.alert,
            startsAt: date(record.data.alert.startsAt),
            receivedAt: date(record.data.alert.receivedAt),
          },
        },
      };
    case 'incident.alert_resolved':
      return {
        ...base,
        type: record.type,
        data: { ...record.data, endsAt: date(record.data.endsAt), receivedAt: date(record.data.receivedAt) },
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
    case 'incident.resolved':
      return { ...base, type: record.type, data: { resolvedAt: date(record.data.resolvedAt) } };
    case 'incident.reopened':
      return { ...base, type: record.type, data: record.data };
  }
}
