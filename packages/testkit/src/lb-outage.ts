import {
  LB_OUTAGE,
  lbOutageReceipts,
  streamTime,
  type OutageNotification,
  type OutageOptions,
} from '@sitrep/domain/testing';
import { webhookAlert } from './webhook-builder.js';

/** One request Sitrep receives during the reference outage. */
export interface OutageDelivery {
  /** Minute of the outage it is received. */
  readonly minute: number;
  readonly path: '/api/v1/alertmanager' | '/api/v1/changes';
  readonly body: Readonly<Record<string, unknown>>;
  /** The same as a line of a recorded delivery file (`sitrep replay` reads them, `sitrep export` writes them). */
  readonly line: Readonly<Record<string, unknown>>;
}

/** The name-value pairs every one of `sets` has, as Alertmanager's commonLabels and commonAnnotations. */
function common(sets: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  const [first, ...rest] = sets;
  return Object.fromEntries(
    Object.entries(first ?? {}).filter(([name, value]) => rest.every((set) => set[name] === value)),
  );
}

/** The webhook body Alertmanager sends for one notification. */
function notificationBody(notification: OutageNotification, time: (m: number) => Date): Record<string, unknown> {
  const at = (m: number) => time(m).toISOString();
  const { alerts, externalURL, receiver, groupKey, groupLabels } = notification;
  return {
    version: '4',
    groupKey,
    truncatedAlerts: 0,
    status: alerts.some(({ status }) => status === 'firing') ? 'firing' : 'resolved',
    receiver,
    groupLabels,
    commonLabels: common(alerts.map(({ alert }) => alert.labels)),
    commonAnnotations: common(alerts.map(({ alert }) => alert.annotations)),
    externalURL,
    alerts: alerts.map(({ alert, status }) =>
      webhookAlert({
        status,
        labels: alert.labels,
        annotations: alert.annotations,
        startsAt: at(alert.starts),
        ...(status === 'resolved' ? { endsAt: at(alert.ends) } : {}),
        generatorURL: alert.generatorURL,
      }),
    ),
  };
}

/**
 * What Sitrep receives during the outage, in order: the change (POST /api/v1/changes) and every
 * Alertmanager notification (POST /api/v1/alertmanager), at the minutes `options` place them.
 */
export function lbOutageDeliveries(options: OutageOptions = {}): OutageDelivery[] {
  const time = streamTime(options);
  const at = (m: number) => time(m).toISOString();
  return lbOutageReceipts(options.outage).map((receipt): OutageDelivery => {
    const receivedAt = at(receipt.received);
    if ('change' in receipt) {
      const { service, kind, summary } = receipt.change;
      const body = { service, kind, summary, at: at(receipt.change.at) };
      return { minute: receipt.received, path: '/api/v1/changes', body, line: { receivedAt, change: body } };
    }
    const body = notificationBody(receipt.notification, time);
    return { minute: receipt.received, path: '/api/v1/alertmanager', body, line: { receivedAt, alertmanager: body } };
  });
}

/** The deliveries as the recorded delivery file test/fixtures/lb-outage.ndjson holds them. */
export function lbOutageNdjson(options: OutageOptions = {}): string {
  return lbOutageDeliveries(options)
    .map((delivery) => `${JSON.stringify(delivery.line)}\n`)
    .join('');
}

/**
 * The outage's correlation file (test/fixtures/lb-outage.correlation.yml): its dependency map,
 * and `windows` (e.g. `{ quiet_period: '1s' }`) when given.
 */
export function lbOutageCorrelationYaml(windows: Readonly<Record<string, string>> = {}): string {
  const lines = [
    '# Correlation settings for the load-balancer outage: the balancer forwards to auth, auth calls its database.',
    'dependencies:',
    ...LB_OUTAGE.dependencies.map(([from, to]) => `  - ${from} -> ${to}`),
  ];
  const set = Object.entries(windows);
  if (set.length > 0) lines.push('windows:', ...set.map(([name, value]) => `  ${name}: ${value}`));
  return `${lines.join('\n')}\n`;
}

/**
 * The outage compressed into the ten minutes before `now` (minute 0 ten minutes ago, a minute
 * lasting 18 s): for tests on the wall clock, whose alerts are recent, as live ones are.
 */
export function recentLbOutage(now = Date.now()): OutageOptions {
  return { epoch: now - 10 * 60_000, minuteMs: 18_000 };
}
