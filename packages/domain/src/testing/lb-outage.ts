import { alertmanagerGroupId, type Alert } from '../alert.js';
import type { Change } from '../change.js';
import { Correlator } from '../correlation/correlator.js';
import { DependencyMap } from '../correlation/dependency-map.js';
import type { IncidentEvent } from '../correlation/incident-event.js';
import { DEFAULT_CORRELATION_SETTINGS, type CorrelationSettings } from '../correlation/settings.js';
import { change, reportedAlert, streamTime, type AlertSpec, type StreamTime } from './alert-builder.js';

/** One alert of an outage: the rule's labels and annotations, and when it began, ended and was heard of. */
export interface OutageAlert extends AlertSpec {
  readonly annotations: Readonly<Record<string, string>>;
  readonly generatorURL: string;
  /** Minute it ended (the resolved report's endsAt). */
  readonly ends: number;
  /** Minute Sitrep received the first notification with it firing. */
  readonly received: number;
  /** Minute Sitrep received the notification with it resolved. */
  readonly resolutionReceived: number;
}

export interface OutageChange {
  readonly service: string;
  readonly kind: string;
  readonly summary: string;
  /** Minute the change was made, and minute Sitrep received it. */
  readonly at: number;
  readonly received: number;
}

/** An outage as data: everything a test needs of it is derived from this, never written again. */
export interface OutageDescription {
  readonly change: OutageChange | null;
  readonly alerts: Readonly<Record<string, OutageAlert>>;
  /** The Alertmanager that notifies Sitrep (its external URL, Sitrep's receiver name) and its route's `group_by`. */
  readonly alertmanager: {
    readonly externalURL: string;
    readonly receiver: string;
    readonly groupBy: readonly string[];
  };
  /** The correlation file's dependency map: `[from, to]` means `from` sends `to` its traffic. */
  readonly dependencies: readonly (readonly [string, string])[];
  /** The minute the stream is watched until, after every quiet period has passed. */
  readonly until: number;
}

// As Prometheus links an alert to its rule: the expression query-escaped like Go's url.QueryEscape.
const prometheusRule = (expr: string) =>
  `http://prometheus.example:9090/graph?${new URLSearchParams({ 'g0.expr': expr, 'g0.tab': '1' }).toString()}`;

/**
 * The reference outage (README, and the team's postmortems): the balancer's weights go from 1:1:1
 * to 5:1:1, traffic skews onto one auth backend, which fails and slows down; the weights are
 * reverted and everything resolves about half an hour later. In minutes from TEST_EPOCH.
 */
export const LB_OUTAGE = {
  change: { service: 'auth-lb', kind: 'config', summary: 'lb weights 1:1:1 -> 5:1:1', at: -4, received: -4 },
  alerts: {
    imbalance: {
      labels: { alertname: 'BackendLoadImbalance', service: 'auth-lb', severity: 'warning' },
      annotations: { summary: 'max/mean backend share 2.8', value: '2.8' },
      generatorURL: prometheusRule('service:lb_backend_imbalance:rate1m > 1.5'),
      starts: 0,
      received: 1,
      ends: 32,
      resolutionReceived: 33,
    },
    errors: {
      labels: { alertname: 'HighErrorRate', service: 'auth', severity: 'critical' },
      annotations: { summary: '31% of logins fail', value: '0.31' },
      generatorURL: prometheusRule('service:http_error_ratio:rate1m > 0.05'),
      starts: 3,
      received: 3.5,
      ends: 30,
      resolutionReceived: 30.5,
    },
    latency: {
      labels: { alertname: 'HighLatencyP99', service: 'auth', severity: 'warning' },
      annotations: { summary: 'p99 2.4s', value: '2.4' },
      generatorURL: prometheusRule('service:http_latency_p99_seconds:rate1m > 0.5'),
      starts: 4,
      received: 4.5,
      ends: 31,
      resolutionReceived: 31.5,
    },
  },
  alertmanager: { externalURL: 'http://alertmanager.example:9093', receiver: 'sitrep', groupBy: ['service'] },
  dependencies: [
    ['auth-lb', 'auth'],
    ['auth', 'users-db'],
  ],
  until: 40,
} satisfies OutageDescription;

/** One webhook notification, as Alertmanager would send it: a group's alerts at one moment. */
export interface OutageNotification {
  readonly received: number;
  readonly externalURL: string;
  readonly receiver: string;
  /** As Alertmanager names a group of its root route: `{}:{service="auth"}`. */
  readonly groupKey: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly alerts: readonly { readonly alert: OutageAlert; readonly status: 'firing' | 'resolved' }[];
}

/**
 * The notifications Sitrep receives, in order. Alertmanager notifies a group whenever one of its
 * alerts fired or resolved since the last notification, with every alert of the group it still
 * holds, and forgets a resolved alert once it has notified it. So an alert's receipt times must
 * be its group's first notification after it began and after it ended: a description that says
 * otherwise is refused here.
 */
export function lbOutageNotifications(outage: OutageDescription = LB_OUTAGE): OutageNotification[] {
  const { externalURL, receiver, groupBy } = outage.alertmanager;
  const groups = new Map<string, OutageAlert[]>();
  for (const alert of Object.values(outage.alerts)) {
    const key = JSON.stringify(groupBy.map((label) => alert.labels[label] ?? ''));
    groups.set(key, [...(groups.get(key) ?? []), alert]);
  }
  const notifications: OutageNotification[] = [];
  for (const alerts of groups.values()) {
    const times = [...new Set(alerts.flatMap((alert) => [alert.received, alert.resolutionReceived]))].sort(
      (a, b) => a - b,
    );
    for (const alert of alerts) {
      const firstAfter = (m: number) => times.find((time) => time >= m);
      if (firstAfter(alert.starts) !== alert.received || firstAfter(alert.ends) !== alert.resolutionReceived) {
        throw new Error(
          `${alert.labels.alertname ?? '?'}: Alertmanager would notify it at minutes ${String(firstAfter(alert.starts))} and ${String(firstAfter(alert.ends))}, not ${alert.received} and ${alert.resolutionReceived}`,
        );
      }
    }
    const [first] = alerts;
    const groupLabels = Object.fromEntries(
      groupBy.flatMap((label) => {
        const value = first?.labels[label];
        return value === undefined ? [] : [[label, value]];
      }),
    );
    const labelSet = Object.entries(groupLabels).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
    const groupKey = `{}:{${labelSet.join(',')}}`;
    for (const received of times) {
      notifications.push({
        received,
        externalURL,
        receiver,
        groupKey,
        groupLabels,
        alerts: alerts
          .filter((alert) => alert.received <= received && received <= alert.resolutionReceived)
          .map((alert) => ({ alert, status: alert.ends <= received ? 'resolved' : 'firing' })),
      });
    }
  }
  return notifications.sort((a, b) => a.received - b.received);
}

/** What Sitrep receives during the outage, in order: the change and the notifications. */
export type OutageReceipt =
  | { readonly received: number; readonly change: OutageChange }
  | { readonly received: number; readonly notification: OutageNotification };

export function lbOutageReceipts(outage: OutageDescription = LB_OUTAGE): OutageReceipt[] {
  const receipts: OutageReceipt[] = lbOutageNotifications(outage).map((notification) => ({
    received: notification.received,
    notification,
  }));
  // First, so that a change received with a notification comes before it (sort is stable).
  if (outage.change !== null) receipts.unshift({ received: outage.change.received, change: outage.change });
  return receipts.sort((a, b) => a.received - b.received);
}

/** Which outage (LB_OUTAGE unless said), and where its minutes fall (TEST_EPOCH, real minutes unless said). */
export interface OutageOptions extends StreamTime {
  readonly outage?: OutageDescription;
}

/** Correlation settings for the outage: `base` (the defaults) with the outage's dependency map. */
export function lbOutageSettings(
  outage: OutageDescription = LB_OUTAGE,
  base: CorrelationSettings = DEFAULT_CORRELATION_SETTINGS,
): CorrelationSettings {
  return { ...base, dependencies: new DependencyMap(outage.dependencies) };
}

/** The outage's change as ingest records it, or null when the outage has none. */
export function lbOutageChange(options: OutageOptions = {}): Change | null {
  for (const input of lbOutageInputs(options)) if ('change' in input) return input.change;
  return null;
}

/**
 * What ingest makes of the outage, in the order it receives it: the change, and every alert of
 * every notification (a firing alert again in each notification that still lists it, as ingest sees it).
 */
export type OutageInput = { readonly change: Change } | { readonly alert: Alert };

export function lbOutageInputs(options: OutageOptions = {}): OutageInput[] {
  const time = streamTime(options);
  const { dependencies } = lbOutageSettings(options.outage);
  const recordKey = (alert: Alert) => dependencies.component(alert.scope.service);
  return lbOutageReceipts(options.outage).flatMap((receipt): OutageInput[] => {
    if ('change' in receipt) {
      const { service, kind, summary, at, received } = receipt.change;
      return [{ change: change(service, kind, summary, at, received, time) }];
    }
    const { received, alerts, externalURL, receiver, groupKey } = receipt.notification;
    const reported = alerts.map(({ alert, status }) =>
      reportedAlert(alert, status === 'firing' ? { received } : { received, ends: alert.ends }, time),
    );
    // Every notification is complete, so each alert carries where its group listed it, named as
    // codec's alertsFromWebhook names it (codec's lb-outage test holds the two equal).
    const group = alertmanagerGroupId(externalURL, receiver, groupKey);
    return reported.map((alert) => ({
      alert: {
        ...alert,
        listing: { group, alertsWithKey: reported.filter((other) => recordKey(other) === recordKey(alert)).length },
      },
    }));
  });
}

export function applyOutageInput(correlator: Correlator, input: OutageInput): IncidentEvent[] {
  return 'alert' in input ? correlator.applyAlert(input.alert) : correlator.applyChange(input.change);
}

/**
 * The outage's incident events through the real correlator (with `settings`, else
 * lbOutageSettings), watched until minute `until`: the description's, after the incident
 * resolved, unless given (an earlier minute leaves it open).
 */
export function lbOutageEvents(
  options: OutageOptions & { readonly until?: number; readonly settings?: CorrelationSettings } = {},
): IncidentEvent[] {
  const outage = options.outage ?? LB_OUTAGE;
  const correlator = new Correlator(options.settings ?? lbOutageSettings(outage));
  const end = streamTime(options)(options.until ?? outage.until);
  const receivedAt = (input: OutageInput) => ('alert' in input ? input.alert : input.change).receivedAt.getTime();
  const events = lbOutageInputs(options)
    .filter((input) => receivedAt(input) <= end.getTime())
    .flatMap((input) => applyOutageInput(correlator, input));
  return [...events, ...correlator.tick(end)];
}
