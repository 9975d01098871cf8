import type { Alert } from '../alert.js';
import type { Change } from '../change.js';
import { Correlator } from '../correlation/correlator.js';
import { DependencyMap } from '../correlation/dependency-map.js';
import type { IncidentEvent } from '../correlation/incident-event.js';
import { DEFAULT_CORRELATION_SETTINGS, type CorrelationSettings } from '../correlation/settings.js';
import { change, minute, reportedAlert, TEST_EPOCH, type AlertSpec } from './alert-builder.js';

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
  /** Alertmanager's route `group_by`: alerts with equal values share notifications. */
  readonly groupBy: readonly string[];
  /** The correlation file's dependency map: `[from, to]` means `from` sends `to` its traffic. */
  readonly dependencies: readonly (readonly [string, string])[];
  /** The minute the stream is watched until, after every quiet period has passed. */
  readonly until: number;
}

const prometheusRule = (expr: string) =>
  `http://prometheus.example:9090/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`;

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
  groupBy: ['service'],
  dependencies: [
    ['auth-lb', 'auth'],
    ['auth', 'users-db'],
  ],
  until: 40,
} satisfies OutageDescription;

/** One webhook notification, as Alertmanager would send it: a group's alerts at one moment. */
export interface OutageNotification {
  readonly received: number;
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
  const groups = new Map<string, OutageAlert[]>();
  for (const alert of Object.values(outage.alerts)) {
    const key = JSON.stringify(outage.groupBy.map((label) => alert.labels[label] ?? ''));
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
      outage.groupBy.flatMap((label) => {
        const value = first?.labels[label];
        return value === undefined ? [] : [[label, value]];
      }),
    );
    for (const received of times) {
      notifications.push({
        received,
        groupLabels,
        alerts: alerts
          .filter((alert) => alert.received <= received && received <= alert.resolutionReceived)
          .map((alert) => ({ alert, status: alert.ends <= received ? 'resolved' : 'firing' })),
      });
    }
  }
  return notifications.sort((a, b) => a.received - b.received);
}

export interface OutageOptions {
  readonly outage?: OutageDescription;
  /** Minute 0 as epoch milliseconds: a live test moves the outage to just before now. */
  readonly epoch?: number;
}

/** Correlation settings for the outage: `base` (the defaults) with the outage's dependency map. */
export function lbOutageSettings(
  outage: OutageDescription = LB_OUTAGE,
  base: CorrelationSettings = DEFAULT_CORRELATION_SETTINGS,
): CorrelationSettings {
  return { ...base, dependencies: new DependencyMap(outage.dependencies) };
}

/** The outage's change as ingest records it, or null when the outage has none. */
export function lbOutageChange({ outage = LB_OUTAGE, epoch = TEST_EPOCH }: OutageOptions = {}): Change | null {
  const c = outage.change;
  return c === null ? null : change(c.service, c.kind, c.summary, c.at, c.received, epoch);
}

/** What ingest makes of the outage, in the order it receives it: the change, and every alert of every notification. */
export type OutageInput = { readonly change: Change } | { readonly alert: Alert };

export function lbOutageInputs({ outage = LB_OUTAGE, epoch = TEST_EPOCH }: OutageOptions = {}): OutageInput[] {
  const timed: { received: number; input: OutageInput }[] = lbOutageNotifications(outage).flatMap(
    ({ received, alerts }) =>
      alerts.map(({ alert, status }) => ({
        received,
        input: {
          alert: reportedAlert(alert, status === 'firing' ? { received } : { received, ends: alert.ends }, epoch),
        },
      })),
  );
  const recorded = lbOutageChange({ outage, epoch });
  // A change received with a notification comes first; sort is stable, so a notification's alerts keep their order.
  if (recorded !== null) timed.unshift({ received: outage.change?.received ?? 0, input: { change: recorded } });
  return timed.sort((a, b) => a.received - b.received).map(({ input }) => input);
}

/** The domain Alerts of every notification, in order (repeats of a firing alert included, as ingest sees them). */
export function lbOutageAlerts(options: OutageOptions = {}): Alert[] {
  return lbOutageInputs(options).flatMap((input) => ('alert' in input ? [input.alert] : []));
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
  const { outage = LB_OUTAGE, epoch = TEST_EPOCH } = options;
  const until = options.until ?? outage.until;
  const correlator = new Correlator(options.settings ?? lbOutageSettings(outage));
  const end = minute(until, epoch);
  const receivedAt = (input: OutageInput) => ('alert' in input ? input.alert : input.change).receivedAt.getTime();
  const events = lbOutageInputs({ outage, epoch })
    .filter((input) => receivedAt(input) <= end.getTime())
    .flatMap((input) => applyOutageInput(correlator, input));
  return [...events, ...correlator.tick(end)];
}
