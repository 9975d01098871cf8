import { labelsFingerprint } from '@sitrep/domain';
import { dispatch, STRESS_ROUTE, type PrometheusAlert } from './alertmanager.js';
import { jsonText, type Json } from './json-text.js';
import { Prng } from './prng.js';
import {
  crashStorm,
  dbSaturation,
  flapping,
  HOUR,
  lbOutage,
  longLowSeverity,
  lostResolution,
  MINUTE,
  overlappingRelated,
  repeatFailure,
  sameMinute,
  SECOND,
  EVAL_INTERVAL,
  type Plan,
  type PlannedIncident,
} from './shapes.js';
import { BALANCERS, componentOf, DATABASES, DEPENDENCIES, HTTP_SERVICES, POD_SERVICES, SERVICES } from './topology.js';
import { goTime, webhookBody } from './webhook.js';

export const STRESS_SEED = 20261130;
const WEEK_START = Date.UTC(2026, 10, 30);
const WEEK = 7 * 24 * HOUR;
const ALERTMANAGERS = ['http://alertmanager-0.monitoring:9093', 'http://alertmanager-1.monitoring:9093'] as const;
/** An HA peer waits peer_timeout per position before it sends; sometimes gossip is slower. */
const HA_DUPLICATE_SHARE = 0.06;
const PEER_TIMEOUT = 15 * SECOND;
/** Sitrep stored it but the answer timed out, so Alertmanager sent it again. */
const RETRY_SHARE = 0.01;

export interface StressStream {
  /** The replay file (one JSON delivery a line). */
  readonly deliveries: string;
  /** The labelled truth for `sitrep backtest --truth`. */
  readonly truth: string;
  /** The correlation file: the dependency map of the fleet. */
  readonly correlation: string;
  readonly stats: StressStats;
}

export interface StressStats {
  readonly services: number;
  readonly trueIncidents: number;
  readonly shapes: Readonly<Record<string, number>>;
  readonly notifications: number;
  readonly deliveries: number;
  readonly haDuplicates: number;
  readonly retries: number;
  readonly lostNotifications: number;
  /** Occurrences Alertmanager replaced before notifying their resolution. */
  readonly replaced: number;
  /** Occurrences no delivered notification lists (replaced before any flush): not in the truth. */
  readonly undelivered: number;
  readonly changes: number;
}

const DATABASE_SET = new Set(DATABASES.map(([db]) => db));
const HTTP_SET = new Set(HTTP_SERVICES);

/** Distinct services from distinct dependency components. */
function unrelated(rng: Prng, count: number): string[] {
  const chosen: string[] = [];
  while (chosen.length < count) {
    const service = rng.pick(SERVICES);
    if (!chosen.some((other) => componentOf(other) === componentOf(service))) chosen.push(service);
  }
  return chosen;
}

function related(rng: Prng): [string, string] {
  for (;;) {
    const first = rng.pick(SERVICES);
    const second = rng.pick(SERVICES);
    if (first !== second && componentOf(first) === componentOf(second)) return [first, second];
  }
}

const LONG_RUNNING = [
  ['backup-agent', 'BackupTooOld'],
  ['backup-agent', 'DiskSpaceLow'],
  ['log-shipper', 'DiskSpaceLow'],
  ['reporting', 'DiskSpaceLow'],
  ['ci-runner', 'DiskSpaceLow'],
  ['billing-batch', 'QueueBacklogGrowing'],
  ['notifications', 'QueueBacklogGrowing'],
  ['feature-flags', 'CertificateExpiringSoon'],
  ['mail-relay', 'CertificateExpiringSoon'],
  ['image-cache', 'CertificateExpiringSoon'],
] as const;

/** Every plan of the week: how many of each shape, with a recipe for its services. */
function recipes(): ((rng: Prng) => Plan)[] {
  const times = (count: number, build: (rng: Prng) => Plan) => Array.from({ length: count }, () => build);
  return [
    ...times(18, (rng) => {
      const [lb, backend] = rng.pick(BALANCERS);
      return lbOutage(rng, lb, backend);
    }),
    ...times(18, (rng) => {
      const [db, callers] = rng.pick(DATABASES);
      return dbSaturation(rng, db, callers);
    }),
    ...times(12, (rng) => crashStorm(rng, rng.pick(POD_SERVICES))),
    ...times(18, (rng) => flapping(rng, rng.pick([...HTTP_SERVICES, 'ci-runner', 'reporting']))),
    ...times(12, (rng) => repeatFailure(rng, rng.pick(HTTP_SERVICES))),
    ...times(6, (rng) => sameMinute(rng, unrelated(rng, 3), DATABASE_SET, HTTP_SET)),
    ...times(4, (rng) => sameMinute(rng, unrelated(rng, 2), DATABASE_SET, HTTP_SET)),
    ...times(8, (rng) => {
      const [service, alertname] = rng.pick(LONG_RUNNING);
      return longLowSeverity(rng, service, alertname);
    }),
    ...times(7, (rng) => lostResolution(rng, rng.pick(HTTP_SERVICES), 'in_group')),
    ...times(7, (rng) => lostResolution(rng, rng.pick(HTTP_SERVICES), 'last')),
    ...times(6, (rng) => {
      const [first, second] = related(rng);
      return overlappingRelated(rng, first, second, DATABASE_SET, HTTP_SET);
    }),
  ];
}

interface Window {
  readonly start: number;
  readonly end: number;
}

/** Per dependency component, the stretch of (relative) time the plan needs to itself. */
function windows(plan: Plan): Map<string, Window> {
  const out = new Map<string, Window>();
  for (const incident of plan.incidents) {
    for (const alert of incident.alerts) {
      const component = componentOf(alert.labels.service ?? '');
      const end = (alert.endsAt ?? alert.startsAt) + plan.quietAfter;
      const known = out.get(component);
      out.set(component, {
        start: Math.min(known?.start ?? Number.POSITIVE_INFINITY, alert.startsAt - 5 * MINUTE),
        end: Math.max(known?.end ?? Number.NEGATIVE_INFINITY, end),
      });
    }
  }
  return out;
}

const lastEnd = (plan: Plan): number =>
  Math.max(...plan.incidents.flatMap((incident) => incident.alerts.map((alert) => alert.endsAt ?? alert.startsAt)));

interface Placed {
  readonly plan: Plan;
  readonly start: number;
}

/**
 * Places every plan in the week so that no two plans share a dependency component at the same
 * time (nor for the plan's quiet time after): apart from the deliberately overlapping shape,
 * which incident an alert belongs to is then unambiguous from the alerts and the map.
 */
function schedule(rng: Prng): Placed[] {
  const busy = new Map<string, Window[]>();
  const plans = recipes().map((build) => {
    const planRng = rng.fork();
    return { first: build(planRng), build, rng: planRng };
  });
  // The longest first: they are the hardest to fit.
  const order = plans
    .map((entry, index) => ({ ...entry, index, length: lastEnd(entry.first) + entry.first.quietAfter }))
    .sort((a, b) => b.length - a.length || a.index - b.index);
  const placed: Placed[] = [];
  for (const entry of order) {
    let plan = entry.first;
    let done = false;
    for (let attempt = 0; attempt < 4000 && !done; attempt += 1) {
      if (attempt > 0 && attempt % 200 === 0) plan = entry.build(entry.rng);
      const latest = WEEK - lastEnd(plan) - 2 * HOUR;
      const start =
        WEEK_START +
        30 * MINUTE +
        Math.floor(entry.rng.next() * ((latest - 30 * MINUTE) / EVAL_INTERVAL)) * EVAL_INTERVAL;
      const needs = [...windows(plan)].map(([component, window]) => ({
        component,
        window: { start: start + window.start, end: start + window.end },
      }));
      const free = needs.every(({ component, window }) =>
        (busy.get(component) ?? []).every((taken) => window.end <= taken.start || window.start >= taken.end),
      );
      if (!free) continue;
      for (const { component, window } of needs) busy.set(component, [...(busy.get(component) ?? []), window]);
      placed.push({ plan, start });
      done = true;
    }
    if (!done) throw new Error(`cannot fit a ${entry.first.shape} plan into the week`);
  }
  return placed.sort((a, b) => a.start - b.start);
}

const generatorURL = (expr: string): string =>
  `http://prometheus-0.monitoring:9090/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`;

interface AlertOrigin {
  readonly incident: PlannedIncident;
  readonly lost: boolean;
}

const occurrence = (fingerprint: string, startsAt: number) => `${fingerprint}\u0000${startsAt}`;

/**
 * A week of Alertmanager webhook deliveries to Sitrep, its labelled truth and its correlation
 * file, from a seed: the same seed gives the same bytes.
 */
export function generateStressStream(seed = STRESS_SEED): StressStream {
  const rng = new Prng(seed);
  const placed = schedule(rng.fork());
  const deliveryRng = rng.fork();

  const origins = new Map<PrometheusAlert, AlertOrigin>();
  const changes: { receivedAt: number; change: Json }[] = [];
  for (const { plan, start } of placed) {
    for (const incident of plan.incidents) {
      for (const alert of incident.alerts) {
        const startsAt = start + alert.startsAt;
        const endsAt = alert.endsAt === null ? null : start + alert.endsAt;
        origins.set(
          {
            labels: alert.labels,
            annotations: alert.annotations,
            generatorURL: generatorURL(alert.expr),
            startsAt,
            endsAt,
            arrivesAt: startsAt + alert.arrivalDelay,
            resolutionArrivesAt: endsAt === null ? null : endsAt + alert.resolutionDelay,
          },
          { incident, lost: alert.lostResolution },
        );
      }
    }
    for (const change of plan.changes) {
      const at = start + change.at;
      changes.push({
        receivedAt: at + deliveryRng.int(1, 20) * SECOND,
        change: { service: change.service, kind: change.kind, summary: change.summary, at: goTime(at) },
      });
    }
  }
  // Deploys that break nothing: changes with no incident to attach to.
  for (let index = 0; index < 24; index += 1) {
    const service = deliveryRng.pick(SERVICES);
    const at = WEEK_START + deliveryRng.int(0, WEEK / MINUTE - 1) * MINUTE;
    changes.push({
      receivedAt: at + deliveryRng.int(1, 20) * SECOND,
      change: {
        service,
        kind: 'deploy',
        summary: `${service} v${deliveryRng.int(1, 4)}.${deliveryRng.int(0, 30)}.${deliveryRng.int(0, 9)} rolled out`,
        at: goTime(at),
      },
    });
  }

  const { notifications, replaced } = dispatch([...origins.keys()], STRESS_ROUTE, WEEK_START + WEEK);
  const lines: { receivedAt: number; order: number; body: Json }[] = [];
  const delivered = new Set<string>();
  let lostNotifications = 0;
  let haDuplicates = 0;
  let retries = 0;
  for (const notification of notifications) {
    if (notification.alerts.some(({ alert, resolved }) => resolved && origins.get(alert)?.lost === true)) {
      lostNotifications += 1;
      continue;
    }
    for (const { alert, fingerprint } of notification.alerts) delivered.add(occurrence(fingerprint, alert.startsAt));
    const receivedAt = notification.at + deliveryRng.int(30, 400);
    const [primary, peer] = ALERTMANAGERS;
    lines.push({
      receivedAt,
      order: lines.length,
      body: webhookBody(notification, STRESS_ROUTE.receiver, primary) as Json,
    });
    if (deliveryRng.chance(RETRY_SHARE)) {
      retries += 1;
      lines.push({
        receivedAt: receivedAt + deliveryRng.int(1000, 4000),
        order: lines.length,
        body: webhookBody(notification, STRESS_ROUTE.receiver, primary) as Json,
      });
    }
    if (deliveryRng.chance(HA_DUPLICATE_SHARE)) {
      haDuplicates += 1;
      lines.push({
        receivedAt: receivedAt + PEER_TIMEOUT + deliveryRng.int(0, 3000),
        order: lines.length,
        body: webhookBody(notification, STRESS_ROUTE.receiver, peer) as Json,
      });
    }
  }
  const deliveries = [
    ...lines.map((line) => ({
      ...line,
      text: JSON.stringify({ receivedAt: new Date(line.receivedAt).toISOString(), alertmanager: line.body }),
    })),
    ...changes.map((change, index) => ({
      receivedAt: change.receivedAt,
      order: lines.length + index,
      text: JSON.stringify({ receivedAt: new Date(change.receivedAt).toISOString(), change: change.change }),
    })),
  ].sort((a, b) => a.receivedAt - b.receivedAt || a.order - b.order);

  const incidents = [...new Set([...origins.values()].map((origin) => origin.incident))];
  const truthIncidents = incidents
    .map((incident) => {
      const alerts = [...origins]
        .filter(([, origin]) => origin.incident === incident)
        .map(([alert]) => ({ alert, fingerprint: labelsFingerprint(alert.labels) }))
        .filter(({ alert, fingerprint }) => delivered.has(occurrence(fingerprint, alert.startsAt)))
        .sort((a, b) => a.alert.startsAt - b.alert.startsAt || (a.fingerprint < b.fingerprint ? -1 : 1));
      return { incident, alerts };
    })
    .sort((a, b) => (a.alerts[0]?.alert.startsAt ?? 0) - (b.alerts[0]?.alert.startsAt ?? 0));
  for (const { incident, alerts } of truthIncidents) {
    if (alerts.length === 0) throw new Error(`no alert of "${incident.summary}" reached Sitrep`);
  }
  const shapes: Record<string, number> = {};
  for (const { incident } of truthIncidents) shapes[incident.shape] = (shapes[incident.shape] ?? 0) + 1;
  const truth: Json = {
    about:
      'A week of Alertmanager deliveries (week.ndjson) made by packages/simulator/src/stress from a seed; do not edit, regenerate. Alerts are occurrences Sitrep was sent (firing or resolved).',
    seed,
    incidents: truthIncidents.map(({ incident, alerts }, index) => ({
      id: `${String(index + 1).padStart(3, '0')}-${incident.shape}`,
      shape: incident.shape,
      unambiguous: incident.unambiguous,
      summary: incident.summary,
      services: [...new Set(alerts.map(({ alert }) => alert.labels.service ?? ''))],
      alerts: alerts.map(({ alert, fingerprint }) => ({ fingerprint, startsAt: goTime(alert.startsAt) })),
    })),
  };

  const header = `# A week of Alertmanager webhook deliveries to Sitrep, generated by packages/simulator/src/stress (seed ${seed}); do not edit: npm run generate:stress -w @sitrep/simulator`;
  const correlation = [
    `# The stress week's fleet (packages/simulator/src/stress/topology.ts); generated, do not edit.`,
    'dependencies:',
    ...DEPENDENCIES.map(([from, to]) => `  - ${from} -> ${to}`),
    '',
  ].join('\n');
  const undelivered = [...origins.keys()].filter(
    (alert) => !delivered.has(occurrence(labelsFingerprint(alert.labels), alert.startsAt)),
  ).length;
  return {
    deliveries: `${[header, ...deliveries.map((delivery) => delivery.text)].join('\n')}\n`,
    truth: `${jsonText(truth)}\n`,
    correlation,
    stats: {
      services: SERVICES.length,
      trueIncidents: truthIncidents.length,
      shapes,
      notifications: notifications.length,
      deliveries: deliveries.length,
      haDuplicates,
      retries,
      lostNotifications,
      replaced: replaced.length,
      undelivered,
      changes: changes.length,
    },
  };
}
