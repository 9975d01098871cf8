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
