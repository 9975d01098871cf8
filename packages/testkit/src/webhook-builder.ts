/** One alert as Alertmanager's webhook sends it. */
export interface WebhookAlertInput {
  readonly status?: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt?: string;
  readonly fingerprint?: string;
  readonly generatorURL?: string;
}

const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** An alert of a notification's `alerts`: still firing alerts end at Go's zero time. */
export function webhookAlert(alert: WebhookAlertInput): Record<string, unknown> {
  return {
    status: alert.status ?? 'firing',
    labels: alert.labels,
    annotations: alert.annotations ?? {},
    startsAt: alert.startsAt,
    endsAt: alert.endsAt ?? GO_ZERO_TIME,
    generatorURL: alert.generatorURL ?? 'http://prometheus.example:9090/graph?g0.expr=up',
    ...(alert.fingerprint === undefined ? {} : { fingerprint: alert.fingerprint }),
  };
}

/**
 * A realistic Alertmanager v4 webhook body for the given alerts, with group labels from the
 * first alert's alertname, as a route grouping by alertname would send.
 */
export function webhookBody(alerts: readonly WebhookAlertInput[], receiver = 'sitrep'): Record<string, unknown> {
  const firing = alerts.some((alert) => (alert.status ?? 'firing') === 'firing');
  const alertname = alerts[0]?.labels.alertname ?? 'Unknown';
  return {
    version: '4',
    groupKey: `{}/{service=~".+"}:{alertname="${alertname}"}`,
    truncatedAlerts: 0,
    status: firing ? 'firing' : 'resolved',
    receiver,
    groupLabels: { alertname },
    commonLabels: { alertname },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    alerts: alerts.map(webhookAlert),
  };
}

/**
 * `count` firing alerts on the auth service's backends (error rate, latency and load imbalance
 * in turn, one instance each): a batch for load and size tests. Not the reference outage: that
 * is lbOutageDeliveries.
 */
export function alertBatch(count: number, startsAt = '2026-11-22T03:00:00Z'): WebhookAlertInput[] {
  const kinds = [
    { alertname: 'HighErrorRate', signal: 'error_rate', summary: '5xx ratio 31%' },
    { alertname: 'HighLatencyP99', signal: 'latency', summary: 'p99 2.4s' },
    { alertname: 'BackendLoadImbalance', signal: 'load_imbalance', summary: 'max/mean share 2.8' },
  ] as const;
  return Array.from({ length: count }, (_, index) => {
    const kind = kinds[index % kinds.length] ?? kinds[0];
    return {
      labels: {
        alertname: kind.alertname,
        service: 'auth',
        severity: index % 2 === 0 ? 'critical' : 'warning',
        instance: `auth-backend-${index}:8080`,
        signal: kind.signal,
      },
      annotations: { summary: kind.summary },
      startsAt,
    };
  });
}
