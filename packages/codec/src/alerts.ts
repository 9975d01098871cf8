import {
  ALERT_RECORD_SCHEMA_NAME,
  isGoZeroTime,
  parseAlertRecord,
  type AlertmanagerWebhook,
  type AlertRecordV1,
} from '@sitrep/contracts';
import {
  alertmanagerGroupId,
  alertOccurrenceId,
  alertScope,
  labelsFingerprint,
  normaliseLabels,
  NO_CONDITION,
  type Alert,
  type AlertCondition,
  type AlertListing,
  type ConditionLookup,
  type CorrelationSettings,
} from '@sitrep/domain';
import { readRecord, type ConsumedRecord, type ReadResult } from './consumed-record.js';
import { envelope, type EncodedMessage } from './envelope.js';

/**
 * The webhook's alerts as domain values, each with its scope under the scope labels, when the
 * notification is complete where its group listed it, and when its condition first held if
 * `conditionOf` knows (ingest's view of Prometheus's rules and the correlation file, read at
 * receipt so the record says it and every reader concludes the same). Copies of one alert within
 * a notification (a sender bug, or a group snapshot listing it twice) collapse into one: they
 * have the same occurrence id.
 */
export function alertsFromWebhook(
  webhook: AlertmanagerWebhook,
  receivedAt: Date,
  settings: Pick<CorrelationSettings, 'scopeLabels' | 'dependencies'>,
  conditionOf: ConditionLookup = NO_CONDITION,
): Alert[] {
  const byId = new Map<string, Omit<Alert, 'listing'>>();
  for (const alert of webhook.alerts) {
    const labels = normaliseLabels(alert.labels);
    const fingerprint = alert.fingerprint ?? labelsFingerprint(labels);
    const occurrenceId = alertOccurrenceId(fingerprint, alert.startsAt, alert.status);
    const endsAt = alert.endsAt === undefined || isGoZeroTime(alert.endsAt) ? null : alert.endsAt;
    const condition = usableCondition(
      conditionOf({ labels, startsAt: alert.startsAt, status: alert.status }),
      alert.startsAt,
    );
    byId.set(occurrenceId, {
      occurrenceId,
      fingerprint,
      status: alert.status,
      labels,
      scope: alertScope(labels, settings.scopeLabels),
      annotations: normaliseLabels(alert.annotations),
      startsAt: alert.startsAt,
      endsAt,
      generatorURL: alert.generatorURL === '' ? null : alert.generatorURL,
      receivedAt,
      ...(condition === null ? {} : { condition }),
    });
  }
  const alerts = [...byId.values()];
  if (webhook.truncatedAlerts > 0) return alerts.map((alert) => ({ ...alert, listing: null }));
  const group = groupOf(webhook);
  const perKey = new Map<string, number>();
  for (const alert of alerts) {
    const key = recordKey(alert, settings);
    perKey.set(key, (perKey.get(key) ?? 0) + 1);
  }
  return alerts.map((alert) => ({
    ...alert,
    listing: { group, alertsWithKey: perKey.get(recordKey(alert, settings)) ?? null },
  }));
}

/**
 * A condition a record can carry: not after startsAt (a lookup matching a later occurrence is
 * not this one's) and within the instants every reader stores (startsAt minus a long `for`
 * near 1970 is not).
 */
function usableCondition(condition: AlertCondition | null, startsAt: Date): AlertCondition | null {
  if (condition === null) return null;
  const since = condition.since.getTime();
  return since <= startsAt.getTime() && since >= 0 ? condition : null;
}

/** The Alertmanager group a notification belongs to: the sender, the receiver and the group key. */
function groupOf(notification: Pick<AlertmanagerWebhook, 'externalURL' | 'receiver' | 'groupKey'>): string {
  return alertmanagerGroupId(notification.externalURL, notification.receiver, notification.groupKey);
}

/**
 * Keyed by dependency component: every alert that may join one incident lands on one partition,
 * in order, and reaches one correlator.
 */
function recordKey(alert: Pick<Alert, 'scope'>, settings: Pick<CorrelationSettings, 'dependencies'>): string {
  return settings.dependencies.component(alert.scope.service);
}

export function alertRecord(alert: Alert, webhook: AlertmanagerWebhook): AlertRecordV1 {
  const alertsWithKey = alert.listing?.alertsWithKey ?? null;
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
    scope: { label: alert.scope.label, value: alert.scope.service, qualifiers: alert.scope.qualifiers },
    notification: {
      groupKey: webhook.groupKey,
      receiver: webhook.receiver,
      status: webhook.status,
      externalURL: webhook.externalURL,
      groupLabels: normaliseLabels(webhook.groupLabels),
      truncatedAlerts: webhook.truncatedAlerts,
      ...(alertsWithKey === null ? {} : { alertsWithKey }),
    },
    ...(alert.condition === undefined
      ? {}
      : { condition: { since: alert.condition.since.toISOString(), source: alert.condition.source } }),
  };
}

/**
 * The bus messages of one notification's alerts, keyed by dependency component. The live route
 * and `sitrep replay` both come through here, so keying changes in one place.
 */
export function alertMessages(
  alerts: readonly Alert[],
  webhook: AlertmanagerWebhook,
  settings: Pick<CorrelationSettings, 'dependencies'>,
  trace: Readonly<Record<string, string>>,
): EncodedMessage[] {
  return alerts.map((alert) =>
    envelope(recordKey(alert, settings), alertRecord(alert, webhook), alert.occurrenceId, trace),
  );
}

/** An alert record read back from the alerts topic, as the domain value it was made from. */
export function alertFromRecord(record: AlertRecordV1): Alert {
  return {
    occurrenceId: record.id,
    fingerprint: record.fingerprint,
    status: record.status,
    labels: record.labels,
    scope: { label: record.scope.label, service: record.scope.value, qualifiers: record.scope.qualifiers ?? {} },
    annotations: record.annotations,
    startsAt: new Date(record.startsAt),
    endsAt: record.endsAt === null ? null : new Date(record.endsAt),
    generatorURL: record.generatorURL,
    receivedAt: new Date(record.receivedAt),
    listing: listingOf(record),
    ...(record.condition === undefined
      ? {}
      : { condition: { since: new Date(record.condition.since), source: record.condition.source } }),
  };
}

/** Only a complete notification lists its whole group; a truncated one proves nothing. */
function listingOf(record: AlertRecordV1): AlertListing | null {
  const { notification } = record;
  if (notification.truncatedAlerts > 0) return null;
  return {
    group: groupOf(notification),
    alertsWithKey: notification.alertsWithKey ?? null,
  };
}

/** A consumed alerts-topic record as the domain alert, or why it cannot be read. */
export function readAlert(message: ConsumedRecord): ReadResult<Alert> {
  const read = readRecord(message, ALERT_RECORD_SCHEMA_NAME, parseAlertRecord);
  return read.ok ? { ok: true, value: alertFromRecord(read.value) } : read;
}
