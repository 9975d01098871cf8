import type { Labels } from '@sitrep/domain';
import type { GroupNotification } from './alertmanager.js';

/** Go's zero time.Time: what Alertmanager sends as a firing alert's endsAt. */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** time.Time as Go's JSON encoder writes it in UTC (RFC 3339, fraction without trailing zeros). */
export function goTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  const [whole = iso, fraction = ''] = iso.slice(0, -1).split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return trimmed === '' ? `${whole}Z` : `${whole}.${trimmed}Z`;
}

/** Go encodes maps with their keys sorted. */
function sorted(labels: Labels): Record<string, string> {
  return Object.fromEntries(
    Object.keys(labels)
      .sort()
      .map((name) => [name, labels[name] ?? '']),
  );
}

/** The pairs every one of these label sets has (template.Data's commonLabels). */
function common(sets: readonly Labels[]): Record<string, string> {
  const [first, ...rest] = sets;
  if (!first) return {};
  return sorted(
    Object.fromEntries(Object.entries(first).filter(([name, value]) => rest.every((labels) => labels[name] === value))),
  );
}

/**
 * The webhook body Alertmanager's webhook notifier posts for a notification: the fields of
 * notify/webhook's Message in Go's order (template.Data first), every alert of the group, none
 * truncated (`max_alerts: 0`).
 */
export function webhookBody(notification: GroupNotification, receiver: string, externalURL: string): unknown {
  const alerts = notification.alerts.map(({ alert, fingerprint, resolved }) => ({
    status: resolved ? 'resolved' : 'firing',
    labels: sorted(alert.labels),
    annotations: sorted(alert.annotations),
    startsAt: goTime(alert.startsAt),
    endsAt: resolved && alert.endsAt !== null ? goTime(alert.endsAt) : GO_ZERO_TIME,
    generatorURL: alert.generatorURL,
    fingerprint,
  }));
  return {
    receiver,
    status: alerts.some((alert) => alert.status === 'firing') ? 'firing' : 'resolved',
    alerts,
    groupLabels: sorted(notification.groupLabels),
    commonLabels: common(notification.alerts.map(({ alert }) => alert.labels)),
    commonAnnotations: common(notification.alerts.map(({ alert }) => alert.annotations)),
    externalURL,
    version: '4',
    groupKey: notification.groupKey,
    truncatedAlerts: 0,
  };
}
