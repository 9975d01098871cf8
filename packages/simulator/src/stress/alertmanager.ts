import { labelsFingerprint, type Labels } from '@sitrep/domain';

/**
 * Alertmanager's route and webhook receiver settings the stream is sent under (defaults of
 * `route:` except group_by; `send_resolved: true`, `max_alerts: 0` as deploy/alertmanager has).
 */
export interface RouteSettings {
  readonly receiver: string;
  readonly groupBy: readonly string[];
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
  readonly sendResolved: boolean;
  /** How long the notification log keeps an entry (`--data.retention`). */
  readonly nflogRetentionMs: number;
}

const MINUTE = 60_000;

export const STRESS_ROUTE: RouteSettings = {
  receiver: 'sitrep',
  groupBy: ['alertname', 'cluster', 'service'],
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * MINUTE,
  repeatIntervalMs: 4 * 60 * MINUTE,
  sendResolved: true,
  nflogRetentionMs: 120 * 60 * MINUTE,
};

/** One alert occurrence as Prometheus sends it to Alertmanager. Times in ms since the epoch. */
export interface PrometheusAlert {
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly generatorURL: string;
  readonly startsAt: number;
  /** When the condition stopped holding (the resolved alert's endsAt); null: still firing at the end. */
  readonly endsAt: number | null;
  /** When Alertmanager received it firing (Prometheus sends right after the evaluation). */
  readonly arrivesAt: number;
  /** When Alertmanager received its resolution; null when endsAt is. */
  readonly resolutionArrivesAt: number | null;
}

export interface NotifiedAlert {
  readonly alert: PrometheusAlert;
  readonly fingerprint: string;
  readonly resolved: boolean;
}

/** One notification the dispatcher's aggregation group sent: every alert of the group. */
export interface GroupNotification {
  readonly at: number;
  readonly groupKey: string;
  readonly groupLabels: Labels;
  readonly alerts: readonly NotifiedAlert[];
}

export interface DispatchResult {
  readonly notifications: GroupNotification[];
  /**
   * Occurrences replaced in their group by a newer occurrence of the same alert before any
   * notification said they resolved: Alertmanager never sends their resolution.
   */
  readonly replaced: PrometheusAlert[];
}

/** Go's `%q` of a label value, enough for the values this stream uses. */
const quote = (value: string): string => JSON.stringify(value);

/** model.LabelSet's String(): sorted `name="value"` pairs, comma and space separated. */
export function labelSetString(labels: Labels): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((name) => `${name}=${quote(labels[name] ?? '')}`);
  return `{${pairs.join(', ')}}`;
}

/** model.LabelSet.Before: fewer labels first, then by sorted names and values. */
function labelsBefore(a: Labels, b: Labels): boolean {
  const aNames = Object.keys(a);
  const bNames = Object.keys(b);
  if (aNames.length !== bNames.length) return aNames.length < bNames.length;
  for (const name of [...aNames, ...bNames].sort()) {
    const av = a[name];
    const bv = b[name];
    if (av === undefined) return true;
    if (bv === undefined) return false;
    if (av !== bv) return av < bv;
  }
  return false;
}

/** Alertmanager's AlertSlice order: by `job`, then `instance`, then the label sets. */
function alertOrder(a: Labels, b: Labels): number {
  for (const name of ['job', 'instance']) {
    const av = a[name];
    const bv = b[name];
    if (av === undefined && bv === undefined) continue;
    if (av === undefined) return 1;
    if (bv === undefined) return -1;
    if (av !== bv) return av < bv ? -1 : 1;
  }
  if (labelsBefore(a, b)) return -1;
  return labelsBefore(b, a) ? 1 : 0;
}

interface NflogEntry {
  readonly firing: ReadonlySet<string>;
  readonly resolved: ReadonlySet<string>;
  readonly at: number;
}

const isSubset = (subset: ReadonlySet<string>, of: ReadonlySet<string>): boolean =>
  [...subset].every((item) => of.has(item));

/**
 * DedupStage.needsUpdate (notify/dedup_stage.go): whether a flush sends anything. Hashes are
 * of the labels, so an alert replaced by a newer occurrence of itself changes nothing here.
 */
function needsUpdate(
  entry: NflogEntry | null,
  firing: ReadonlySet<string>,
  resolved: ReadonlySet<string>,
  route: RouteSettings,
  now: number,
): boolean {
  if (entry === null) return firing.size > 0;
  if (!isSubset(firing, entry.firing)) return true;
  if (firing.size === 0) return entry.firing.size > 0;
  if (route.sendResolved && !isSubset(resolved, entry.resolved)) return true;
  return entry.at < now - route.repeatIntervalMs;
}

interface Stored {
  readonly alert: PrometheusAlert;
  resolved: boolean;
}

type GroupEvent = { readonly at: number; readonly kind: 'arrive' | 'resolve'; readonly alert: PrometheusAlert };

/**
 * One aggregation group (dispatch/dispatch.go): created by its first alert, flushed group_wait
 * later (at once if that alert is older than group_wait) and every group_interval after; each
 * flush lists every alert it holds, and deletes the resolved ones after the flush; empty, the
 * group is gone, and the next alert makes a new one. An alert is held by fingerprint, so a new
 * occurrence replaces the old one in place (provider/mem does not merge non-overlapping ones).
 */
function dispatchGroup(
  groupKey: string,
  groupLabels: Labels,
  alerts: readonly PrometheusAlert[],
  route: RouteSettings,
  until: number,
  replaced: PrometheusAlert[],
): GroupNotification[] {
  const events: GroupEvent[] = alerts.flatMap((alert): GroupEvent[] => [
    { at: alert.arrivesAt, kind: 'arrive', alert },
    ...(alert.resolutionArrivesAt === null ? [] : [{ at: alert.resolutionArrivesAt, kind: 'resolve' as const, alert }]),
  ]);
  events.sort((a, b) => a.at - b.at || (a.kind === b.kind ? 0 : a.kind === 'arrive' ? -1 : 1));
  const store = new Map<string, Stored>();
  const notifications: GroupNotification[] = [];
  let entry: NflogEntry | null = null;
  let nextFlush = Number.POSITIVE_INFINITY;
  let index = 0;
  for (;;) {
    const event = events[index];
    const eventAt = event?.at ?? Number.POSITIVE_INFINITY;
    if (Math.min(eventAt, nextFlush) > until) break;
    if (event && eventAt <= nextFlush) {
      index += 1;
      const fingerprint = labelsFingerprint(event.alert.labels);
      const held = store.get(fingerprint);
      if (event.kind === 'arrive') {
        if (store.size === 0) {
          const late = event.alert.startsAt + route.groupWaitMs < event.at;
          nextFlush = late ? event.at : event.at + route.groupWaitMs;
        }
        // Still held, so no flush has reported its resolution yet: none ever will.
        if (held && held.alert !== event.alert) replaced.push(held.alert);
        store.set(fingerprint, { alert: event.alert, resolved: false });
      } else if (held?.alert === event.alert) {
        held.resolved = true;
      }
      continue;
    }
    const at = nextFlush;
    const held = [...store.entries()].sort(([, a], [, b]) => alertOrder(a.alert.labels, b.alert.labels));
    const firing = new Set(held.filter(([, stored]) => !stored.resolved).map(([fingerprint]) => fingerprint));
    const resolved = new Set(held.filter(([, stored]) => stored.resolved).map(([fingerprint]) => fingerprint));
    if (entry !== null && entry.at < at - route.nflogRetentionMs) entry = null;
    if (needsUpdate(entry, firing, resolved, route, at)) {
      notifications.push({
        at,
        groupKey,
        groupLabels,
        alerts: held.map(([fingerprint, stored]) => ({ alert: stored.alert, fingerprint, resolved: stored.resolved })),
      });
      entry = { firing, resolved, at };
    }
    // Sent or not needed, the flush succeeded: resolved alerts go.
    for (const fingerprint of resolved) store.delete(fingerprint);
    nextFlush = store.size === 0 ? Number.POSITIVE_INFINITY : at + route.groupIntervalMs;
  }
  return notifications;
}

/** Every notification one Alertmanager sends for these alerts under this route, in time order. */
export function dispatch(alerts: readonly PrometheusAlert[], route: RouteSettings, until: number): DispatchResult {
  const groups = new Map<string, { labels: Labels; alerts: PrometheusAlert[] }>();
  for (const alert of alerts) {
    const groupLabels: Record<string, string> = {};
    for (const name of route.groupBy) {
      const value = alert.labels[name];
      if (value !== undefined) groupLabels[name] = value;
    }
    // The root route's key is `{}`; the group's, its group_by labels.
    const groupKey = `{}:${labelSetString(groupLabels)}`;
    let group = groups.get(groupKey);
    if (!group) {
      group = { labels: groupLabels, alerts: [] };
      groups.set(groupKey, group);
    }
    group.alerts.push(alert);
  }
  const replaced: PrometheusAlert[] = [];
  const notifications = [...groups].flatMap(([groupKey, group]) =>
    dispatchGroup(groupKey, group.labels, group.alerts, route, until, replaced),
  );
  notifications.sort((a, b) => a.at - b.at || (a.groupKey < b.groupKey ? -1 : a.groupKey > b.groupKey ? 1 : 0));
  return { notifications, replaced };
}
