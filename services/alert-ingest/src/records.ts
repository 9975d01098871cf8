import {
  alertOccurrenceId,
  alertScope,
  changeId,
  labelsFingerprint,
  normaliseLabels,
  type Alert,
  type Change,
} from '@sitrep/domain';
import {
  ALERT_RECORD_SCHEMA_NAME,
  CHANGE_RECORD_SCHEMA_NAME,
  HEADERS,
  isGoZeroTime,
  type AlertmanagerWebhook,
  type AlertRecordV1,
  type ChangeRecordV1,
  type ChangeRequest,
} from '@sitrep/contracts';
import type { OutgoingMessage } from '@sitrep/bus';

/**
 * The webhook's alerts as domain values. Copies of one alert within a notification (a sender
 * bug, or a group snapshot listing it twice) collapse into one: they have the same occurrence id.
 */
export function alertsFromWebhook(webhook: AlertmanagerWebhook, receivedAt: Date): Alert[] {
  const byId = new Map<string, Alert>();
  for (const alert of webhook.alerts) {
    const labels = normaliseLabels(alert.labels);
    const fingerprint = alert.fingerprint ?? labelsFingerprint(labels);
    const occurrenceId = alertOccurrenceId(fingerprint, alert.startsAt, alert.status);
    const endsAt = alert.endsAt === undefined || isGoZeroTime(alert.endsAt) ? null : alert.endsAt;
    byId.set(occurrenceId, {
      occurrenceId,
      fingerprint,
      status: alert.status,
      labels,
      annotations: normaliseLabels(alert.annotations),
      startsAt: alert.startsAt,
      endsAt,
      generatorURL: alert.generatorURL === '' ? null : alert.generatorURL,
      receivedAt,
    });
  }
  return [...byId.values()];
}

export function alertRecord(alert: Alert, webhook: AlertmanagerWebhook, scopeLabel: string): AlertRecordV1 {
  return {
    schema: ALERT_RECORD_SCHEMA_NAME,
    id: alert.occurrenceId,
    fingerprint: alert.fingerprint,
    status: alert.status,
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: alert.startsAt.toISOString(),
    endsAt: alert.endsAt?.toISOString() ?? null,
    generatorURL: alert.generatorURL,
    receivedAt: alert.receivedAt.toISOString(),
    scope: alertScope(alert.labels, scopeLabel),
    notification: {
      groupKey: webhook.groupKey,
      receiver: webhook.receiver,
      status: webhook.status,
      externalURL: webhook.externalURL,
      groupLabels: normaliseLabels(webhook.groupLabels),
      truncatedAlerts: webhook.truncatedAlerts,
    },
  };
}

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

/** A record as a bus message: keyed for partitioning, with its id and schema in headers. */
export function toMessage(
  key: string,
  record: { readonly id: string; readonly schema: string },
  traceHeaders: Readonly<Record<string, string>>,
): OutgoingMessage {
  return {
    key,
    value: JSON.stringify(record),
    headers: {
      ...traceHeaders,
      [HEADERS.id]: record.id,
      [HEADERS.schema]: record.schema,
      [HEADERS.contentType]: 'application/json',
    },
  };
}
