import { labelsFingerprint, type Labels } from '@sitrep/domain';
import { STRESS_ROUTE } from './alertmanager.js';
import type { Prng } from './prng.js';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
/** Prometheus' evaluation interval: alerts start and end on its ticks. */
export const EVAL_INTERVAL = 15 * SECOND;

export const SHAPES = [
  'lb_outage',
  'db_saturation',
  'crash_storm',
  'flapping',
  'repeat_failure',
  'same_minute',
  'long_low_severity',
  'lost_resolution',
  'overlapping_related',
] as const;
export type Shape = (typeof SHAPES)[number];

/** One alert occurrence of a plan, times relative to the plan's start (ms). */
export interface PlannedAlert {
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly expr: string;
  readonly startsAt: number;
  /** Null: still firing when the week ends. */
  readonly endsAt: number | null;
  /** Prometheus -> Alertmanager delay of the firing and of the resolved alert. */
  readonly arrivalDelay: number;
  readonly resolutionDelay: number;
  /** Its resolved notification is never delivered to Sitrep. */
  readonly lostResolution: boolean;
}

export interface PlannedIncident {
  readonly shape: Shape;
  readonly unambiguous: boolean;
  readonly summary: string;
  readonly alerts: readonly PlannedAlert[];
}

export interface PlannedChange {
  readonly service: string;
  readonly kind: string;
  readonly summary: string;
  readonly at: number;
}

/** Incidents that happen together (one shape's instance), relative to a start the schedule picks. */
export interface Plan {
  readonly shape: Shape;
  readonly incidents: readonly PlannedIncident[];
  readonly changes: readonly PlannedChange[];
  /** How long after its last alert ends its services must stay quiet for it to stay unambiguous. */
  readonly quietAfter: number;
}

/** Each alerting rule evaluates at its own offset within the interval, the same for the week. */
function phase(alertname: string): number {
  return Number.parseInt(labelsFingerprint({ alertname }).slice(0, 8), 16) % EVAL_INTERVAL;
}

/** The evaluation tick of this rule at or after `at`. */
export function tick(alertname: string, at: number): number {
  const offset = phase(alertname);
  return Math.ceil((at - offset) / EVAL_INTERVAL) * EVAL_INTERVAL + offset;
}

const CLUSTER = 'prod-eu1';

interface AlertKind {
  readonly severity: string;
  readonly expr: string;
  readonly summary: (value: string) => string;
  readonly values: readonly string[];
}

/** The rules behind the alerts (deploy/prometheus/rules.yml style), by alert name. */
const KINDS = {
  BackendLoadImbalance: {
    severity: 'warning',
    expr: 'max by (service) (backend_request_share) / avg by (service) (backend_request_share) > 1.5',
    summary: (v) => `max/mean backend share ${v}`,
    values: ['2.1', '2.6', '2.8', '3.4'],
  },
  HighErrorRate: {
    severity: 'critical',
    expr: 'sum by (service) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (service) (rate(http_requests_total[5m])) > 0.05',
    summary: (v) => `${Math.round(Number(v) * 100)}% of requests fail`,
    values: ['0.08', '0.14', '0.31', '0.47'],
  },
  HighLatencyP99: {
    severity: 'warning',
    expr: 'histogram_quantile(0.99, sum by (service, le) (rate(http_request_duration_seconds_bucket[5m]))) > 1',
    summary: (v) => `p99 ${v}s`,
    values: ['1.4', '2.4', '3.9'],
  },
  DatabaseConnectionsSaturated: {
    severity: 'critical',
    expr: 'sum by (service) (pg_stat_activity_count) / sum by (service) (pg_settings_max_connections) > 0.9',
    summary: (v) => `${Math.round(Number(v) * 100)}% of connections in use`,
    values: ['0.93', '0.97', '1'],
  },
  KubePodCrashLooping: {
    severity: 'warning',
    expr: 'increase(kube_pod_container_status_restarts_total[10m]) > 2',
    summary: (v) => `restarted ${v} times in 10 minutes`,
    values: ['3', '4', '6'],
  },
  TargetDown: {
    severity: 'warning',
    expr: 'up == 0',
    summary: () => 'scrape target unreachable',
    values: ['0'],
  },
  ProbeFailing: {
    severity: 'critical',
    expr: 'probe_success == 0',
    summary: () => 'blackbox probe fails',
    values: ['0'],
  },
  CertificateExpiringSoon: {
    severity: 'info',
    expr: 'probe_ssl_earliest_cert_expiry - time() < 14 * 86400',
    summary: (v) => `TLS certificate expires in ${v} days`,
    values: ['13', '12', '9'],
  },
  DiskSpaceLow: {
    severity: 'warning',
    expr: 'node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.15',
    summary: (v) => `${Math.round(Number(v) * 100)}% of the disk free`,
    values: ['0.12', '0.09'],
  },
  BackupTooOld: {
    severity: 'warning',
    expr: 'time() - backup_last_success_timestamp_seconds > 26 * 3600',
    summary: (v) => `last backup ${v} hours ago`,
    values: ['27', '31'],
  },
  QueueBacklogGrowing: {
    severity: 'info',
    expr: 'deriv(queue_depth[30m]) > 0',
    summary: (v) => `${v} messages waiting`,
    values: ['1200', '5400'],
  },
} satisfies Readonly<Record<string, AlertKind>>;

type AlertName = keyof typeof KINDS;

export interface AlertOptions {
  readonly alertname: AlertName;
  readonly service: string;
  /** Relative start and end; both moved to the rule's evaluation ticks. */
  readonly from: number;
  readonly until: number | null;
  readonly labels?: Labels;
  readonly severity?: string;
  readonly lostResolution?: boolean;
}

export function plannedAlert(rng: Prng, options: AlertOptions): PlannedAlert {
  const kind: AlertKind = KINDS[options.alertname];
  const value = rng.pick(kind.values);
  const startsAt = tick(options.alertname, options.from);
  const endsAt =
    options.until === null ? null : Math.max(tick(options.alertname, options.until), startsAt + EVAL_INTERVAL);
  return {
    labels: {
      alertname: options.alertname,
      cluster: CLUSTER,
      service: options.service,
      severity: options.severity ?? kind.severity,
      ...options.labels,
    },
    annotations: { summary: kind.summary(value), value },
    expr: kind.expr,
    startsAt,
    endsAt,
    arrivalDelay: rng.int(20, 900),
    resolutionDelay: rng.int(20, 900),
    lostResolution: options.lostResolution ?? false,
  };
}

const incident = (shape: Shape, summary: string, alerts: PlannedAlert[], unambiguous = true): PlannedIncident => ({
  shape,
  unambiguous,
  summary,
  alerts,
});

const NORMAL_QUIET = 60 * MINUTE;

/** A change on the balancer, then its imbalance, the backend's errors and latency. */
export function lbOutage(rng: Prng, lb: string, backend: string): Plan {
  const weight = rng.int(3, 8);
  const length = rng.int(15, 50) * MINUTE;
  const changeAt = -rng.int(2, 6) * MINUTE - rng.int(0, 59) * SECOND;
  const alerts = [
    plannedAlert(rng, { alertname: 'BackendLoadImbalance', service: lb, from: 0, until: length }),
    plannedAlert(rng, {
      alertname: 'HighErrorRate',
      service: backend,
      from: rng.int(90, 240) * SECOND,
      until: length - rng.int(0, 3) * MINUTE,
    }),
    plannedAlert(rng, {
      alertname: 'HighLatencyP99',
      service: backend,
      from: rng.int(120, 300) * SECOND,
      until: length - rng.int(0, 2) * MINUTE,
    }),
  ];
  const changes: PlannedChange[] = [
    { service: lb, kind: 'config', summary: `backend weights 1:1:1 -> ${weight}:1:1`, at: changeAt },
  ];
  if (rng.chance(0.6)) {
    changes.push({
      service: lb,
      kind: 'config',
      summary: `backend weights ${weight}:1:1 -> 1:1:1`,
      at: length - MINUTE,
    });
  }
  return {
    shape: 'lb_outage',
    incidents: [incident('lb_outage', `${lb} weights ${weight}:1:1 overload one ${backend} backend`, alerts)],
    changes,
    quietAfter: NORMAL_QUIET,
  };
}

/** A database runs out of connections; its callers slow down (and one may fail). */
export function dbSaturation(rng: Prng, db: string, callers: readonly string[]): Plan {
  const length = rng.int(12, 60) * MINUTE;
  const alerts = [
    plannedAlert(rng, { alertname: 'DatabaseConnectionsSaturated', service: db, from: 0, until: length }),
  ];
  for (const caller of callers) {
    alerts.push(
      plannedAlert(rng, {
        alertname: 'HighLatencyP99',
        service: caller,
        from: rng.int(45, 240) * SECOND,
        until: length + rng.int(0, 2) * MINUTE,
      }),
    );
    if (rng.chance(0.5)) {
      alerts.push(
        plannedAlert(rng, {
          alertname: 'HighErrorRate',
          service: caller,
          from: rng.int(3, 8) * MINUTE,
          until: length - rng.int(1, 4) * MINUTE,
        }),
      );
    }
  }
  return {
    shape: 'db_saturation',
    incidents: [incident('db_saturation', `${db} saturated, slowing ${callers.join(', ')}`, alerts)],
    changes: [],
    quietAfter: NORMAL_QUIET,
  };
}

const HEX = '0123456789abcdef';
const ALNUM = 'bcdfghjklmnpqrstvwxz2456789';
const word = (rng: Prng, alphabet: string, length: number): string =>
  Array.from({ length }, () => alphabet[rng.int(0, alphabet.length - 1)] ?? 'x').join('');

/** A bad deploy: many pods crash-loop (some twice), the service fails, then a rollback. */
export function crashStorm(rng: Prng, service: string): Plan {
  const replicaSet = `${service}-${word(rng, HEX, 9)}`;
  const pods = new Set<string>();
  const size = rng.int(8, 18);
  while (pods.size < size) pods.add(`${replicaSet}-${word(rng, ALNUM, 5)}`);
  const rollbackAt = rng.int(12, 35) * MINUTE;
  const alerts: PlannedAlert[] = [];
  for (const pod of pods) {
    const from = rng.int(0, 16) * EVAL_INTERVAL;
    const labels = { namespace: 'prod', pod, container: service };
    const until = rollbackAt + rng.int(1, 10) * MINUTE;
    if (rng.chance(0.25) && until - from > 10 * MINUTE) {
      // Restarts slow down, the alert clears, the pod crashes again before the rollback lands.
      const firstEnd = from + rng.int(4, 7) * MINUTE;
      const again = firstEnd + rng.int(2, 4) * MINUTE;
      alerts.push(plannedAlert(rng, { alertname: 'KubePodCrashLooping', service, from, until: firstEnd, labels }));
      alerts.push(plannedAlert(rng, { alertname: 'KubePodCrashLooping', service, from: again, until, labels }));
    } else {
      alerts.push(plannedAlert(rng, { alertname: 'KubePodCrashLooping', service, from, until, labels }));
    }
  }
  alerts.push(
    plannedAlert(rng, {
      alertname: 'HighErrorRate',
      service,
      from: rng.int(1, 3) * MINUTE,
      until: rollbackAt + rng.int(2, 5) * MINUTE,
    }),
  );
  const version = `v${rng.int(1, 4)}.${rng.int(0, 30)}.${rng.int(0, 9)}`;
  return {
    shape: 'crash_storm',
    incidents: [incident('crash_storm', `${service} ${version} crash-loops on ${pods.size} pods`, alerts)],
    changes: [
      { service, kind: 'deploy', summary: `${service} ${version} rolled out`, at: -rng.int(1, 3) * MINUTE },
      { service, kind: 'rollback', summary: `${service} rolled back from ${version}`, at: rollbackAt },
    ],
    quietAfter: NORMAL_QUIET,
  };
}

/**
 * One alert flapping: fires, clears, fires again, 3 to 6 times within about an hour. At least
 * once it clears and fires again between two flushes of its group, so Alertmanager replaces the
 * occurrence in place: Sitrep never hears that occurrence resolve, and hears the new one only
 * when it resolves (nothing else changed in the group to notify). The other gaps are longer
 * than group_interval: resolved, then a new group and a new firing notification.
 */
export function flapping(rng: Prng, service: string): Plan {
  const alertname = rng.pick(['ProbeFailing', 'HighErrorRate', 'HighLatencyP99'] as const);
  const count = rng.int(3, 6);
  const transitions = Array.from({ length: count - 1 }, () => (rng.chance(0.45) ? 'replace' : 'gap'));
  if (!transitions.includes('replace')) transitions[rng.int(0, transitions.length - 1)] = 'replace';
  const { groupWaitMs, groupIntervalMs } = STRESS_ROUTE;
  const alerts: PlannedAlert[] = [];
  let from = 0;
  // The first flush of the group holding this occurrence; later flushes are group_interval apart.
  let firstFlush: number | null = null;
  for (let index = 0; index < count; index += 1) {
    const draft = plannedAlert(rng, { alertname, service, from, until: from + MINUTE });
    firstFlush ??= draft.startsAt + draft.arrivalDelay + groupWaitMs;
    const transition = transitions[index];
    let until: number;
    if (transition === 'replace') {
      // Clear 20-80 s after a flush at least two minutes in, fire again 60-90 s later: both
      // reach Alertmanager well before the next flush.
      const minimum = draft.startsAt + 2 * MINUTE;
      const flushes = Math.max(0, Math.ceil((minimum - firstFlush) / groupIntervalMs));
      const flush = firstFlush + flushes * groupIntervalMs;
      until = tick(alertname, flush + 20 * SECOND + rng.int(0, 4) * EVAL_INTERVAL);
    } else {
      until = draft.startsAt + rng.int(3, 10) * MINUTE;
    }
    const alert = plannedAlert(rng, { alertname, service, from: draft.startsAt, until });
    alerts.push({ ...alert, arrivalDelay: draft.arrivalDelay });
    if (transition === 'replace') {
      from = (alert.endsAt ?? until) + rng.int(4, 6) * EVAL_INTERVAL;
    } else {
      // Longer than group_interval: the resolution is flushed and the empty group goes.
      from = (alert.endsAt ?? until) + groupIntervalMs + rng.int(1, 8) * MINUTE;
      firstFlush = null;
    }
  }
  const replacements = transitions.filter((transition) => transition === 'replace').length;
  return {
    shape: 'flapping',
    incidents: [
      incident(
        'flapping',
        `${alertname} on ${service} flaps ${count} times (${replacements} inside one group interval)`,
        alerts,
      ),
    ],
    changes: [],
    quietAfter: NORMAL_QUIET,
  };
}

/** A service's errors and latency, for a while. */
function serviceFailure(rng: Prng, service: string, from: number): PlannedAlert[] {
  const length = rng.int(8, 30) * MINUTE;
  const alerts = [plannedAlert(rng, { alertname: 'HighErrorRate', service, from, until: from + length })];
  if (rng.chance(0.7)) {
    alerts.push(
      plannedAlert(rng, {
        alertname: 'HighLatencyP99',
        service,
        from: from + rng.int(0, 3) * MINUTE,
        until: from + length + rng.int(0, 2) * MINUTE,
      }),
    );
  }
  return alerts;
}

/** The same service fails twice, hours apart: the same alerts (fingerprints), two incidents. */
export function repeatFailure(rng: Prng, service: string): Plan {
  const second = rng.int(2 * 60, 8 * 60) * MINUTE;
  return {
    shape: 'repeat_failure',
    incidents: [
      incident('repeat_failure', `${service} fails (first time)`, serviceFailure(rng, service, 0)),
      incident(
        'repeat_failure',
        `${service} fails again, ${Math.round(second / HOUR)} h later`,
        serviceFailure(rng, service, second),
      ),
    ],
    changes: [],
    quietAfter: NORMAL_QUIET,
  };
}

/** A short failure of one service that fits what it is. */
function singleFailure(
  rng: Prng,
  service: string,
  from: number,
  databases: ReadonlySet<string>,
  http: ReadonlySet<string>,
) {
  const until = from + rng.int(5, 25) * MINUTE;
  if (databases.has(service)) {
    return [plannedAlert(rng, { alertname: 'DatabaseConnectionsSaturated', service, from, until })];
  }
  if (http.has(service)) return serviceFailure(rng, service, from);
  return [plannedAlert(rng, { alertname: 'TargetDown', service, from, until, labels: { job: service } })];
}

/** Unrelated services (no dependency between them) fail in the same minute: separate incidents. */
export function sameMinute(
  rng: Prng,
  services: readonly string[],
  databases: ReadonlySet<string>,
  http: ReadonlySet<string>,
): Plan {
  return {
    shape: 'same_minute',
    incidents: services.map((service) =>
      incident(
        'same_minute',
        `${service} fails in the same minute as ${services.filter((other) => other !== service).join(' and ')}`,
        singleFailure(rng, service, rng.int(0, 3) * EVAL_INTERVAL, databases, http),
      ),
    ),
    changes: [],
    quietAfter: NORMAL_QUIET,
  };
}

/** A low-severity alert firing for many hours (Alertmanager repeats it every repeat_interval). */
export function longLowSeverity(
  rng: Prng,
  service: string,
  alertname: 'CertificateExpiringSoon' | 'DiskSpaceLow' | 'BackupTooOld' | 'QueueBacklogGrowing',
): Plan {
  const length = rng.int(8, 56) * HOUR + rng.int(0, 59) * MINUTE;
  return {
    shape: 'long_low_severity',
    incidents: [
      incident('long_low_severity', `${alertname} on ${service} for ${Math.round(length / HOUR)} h`, [
        plannedAlert(rng, { alertname, service, from: 0, until: length }),
      ]),
    ],
    changes: [],
    quietAfter: NORMAL_QUIET,
  };
}

/**
 * A resolved notification that never reaches Sitrep (retries exhausted while it was down).
 * `in_group`: another alert of the group still fires, so the group's next notification no longer
 * lists the lost one. `last`: it was the group's last alert; no notification ever follows, and
 * only a stale window ends it (its services stay quiet for that long, so it stays unambiguous).
 */
export function lostResolution(rng: Prng, service: string, variant: 'in_group' | 'last'): Plan {
  const alerts: PlannedAlert[] = [];
  let summary: string;
  if (variant === 'in_group') {
    const lostAt = rng.int(8, 20) * MINUTE;
    const routes = rng.pick([
      ['/api/login', '/api/token'],
      ['/api/cart', '/api/orders'],
      ['/api/search', '/api/suggest'],
      ['/api/items', '/api/images'],
    ] as const);
    alerts.push(
      plannedAlert(rng, {
        alertname: 'HighLatencyP99',
        service,
        from: 0,
        until: lostAt,
        labels: { route: routes[0] },
        lostResolution: true,
      }),
      plannedAlert(rng, {
        alertname: 'HighLatencyP99',
        service,
        from: rng.int(0, 4) * EVAL_INTERVAL,
        until: lostAt + rng.int(15, 40) * MINUTE,
        labels: { route: routes[1] },
      }),
    );
    summary = `${service} slow on ${routes.join(' and ')}; the first route's resolution is lost`;
  } else {
    const length = rng.int(10, 30) * MINUTE;
    const both = rng.chance(0.5);
    alerts.push(
      plannedAlert(rng, { alertname: 'HighErrorRate', service, from: 0, until: length, lostResolution: !both }),
    );
    if (both) {
      alerts.push(
        plannedAlert(rng, {
          alertname: 'HighLatencyP99',
          service,
          from: rng.int(1, 3) * MINUTE,
          until: length + rng.int(1, 4) * MINUTE,
          lostResolution: true,
        }),
      );
    }
    summary = `${service} fails; the resolution of its ${both ? 'latency' : 'error rate'} alert is lost`;
  }
  return {
    shape: 'lost_resolution',
    incidents: [incident('lost_resolution', summary, alerts)],
    changes: [],
    // Three repeat intervals (Sitrep's default stale window), plus the quiet period and a margin.
    quietAfter: variant === 'last' ? 3 * STRESS_ROUTE.repeatIntervalMs + NORMAL_QUIET : NORMAL_QUIET,
  };
}

/**
 * Two independent failures on services linked by the dependency map, minutes apart: separate
 * incidents to whoever wrote the postmortem, but nothing in the alerts says so. Ambiguous.
 */
export function overlappingRelated(
  rng: Prng,
  first: string,
  second: string,
  databases: ReadonlySet<string>,
  http: ReadonlySet<string>,
): Plan {
  const offset = rng.int(2, 8) * MINUTE;
  return {
    shape: 'overlapping_related',
    incidents: [
      incident(
        'overlapping_related',
        `${first} fails on its own`,
        singleFailure(rng, first, 0, databases, http),
        false,
      ),
      incident(
        'overlapping_related',
        `${second} fails on its own ${Math.round(offset / MINUTE)} min later`,
        singleFailure(rng, second, offset, databases, http),
        false,
      ),
    ],
    changes: [],
    quietAfter: NORMAL_QUIET,
  };
}
