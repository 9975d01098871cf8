import type { IncidentAlert, IncidentEvent } from '../correlation/incident-event.js';
import type { SignalClass } from '../correlation/signal.js';
import { alertImpactStart } from './impact-start.js';

export interface SignalImpact {
  readonly signal: SignalClass;
  /** Highest value any alert of this signal reported. */
  readonly peak: number;
  /**
   * Mean over the incident window, weighting each value by how long it held; time with no alert
   * of this signal firing counts as zero. With several alerts at once, the highest counts.
   */
  readonly mean: number;
  readonly alerts: number;
}

export interface IncidentImpact {
  readonly signals: readonly SignalImpact[];
  /**
   * Share of requests (or of users, for alerts that say `impact_unit: users`) affected over the
   * incident: the time-weighted mean of the error-rate ratio. Null when no error-rate alert
   * reported a ratio.
   */
  readonly affected: { readonly share: number; readonly of: 'requests' | 'users' } | null;
}

/** A value holding from `from` to `to` (epoch milliseconds). */
export interface Interval {
  readonly from: number;
  readonly to: number;
  readonly value: number;
}

/** What one alert adds to its signal's figures: the values it reported (or measured) and when. */
export interface AlertContribution {
  readonly alert: IncidentAlert;
  readonly intervals: readonly Interval[];
}

interface Window {
  readonly from: Date;
  readonly to: Date;
}

/** A binary max-heap: the sweep needs the highest active value at each boundary. */
class MaxHeap {
  private readonly items: Interval[] = [];

  peek(): Interval | undefined {
    return this.items[0];
  }

  push(item: Interval): void {
    const items = this.items;
    let child = items.push(item) - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      const above = items[parent] as Interval;
      if (above.value >= item.value) break;
      items[child] = above;
      child = parent;
    }
    items[child] = item;
  }

  pop(): void {
    const items = this.items;
    const last = items.pop();
    if (last === undefined || items.length === 0) return;
    let parent = 0;
    for (;;) {
      let child = 2 * parent + 1;
      if (child >= items.length) break;
      const right = items[child + 1];
      if (right !== undefined && right.value > (items[child] as Interval).value) child += 1;
      const below = items[child] as Interval;
      if (below.value <= last.value) break;
      items[parent] = below;
      parent = child;
    }
    items[parent] = last;
  }
}

/**
 * ∫ max(active values) dt over [start, end], sweeping the interval boundaries. A heap rather than
 * a scan of every interval per boundary: Prometheus series bring hundreds of points each.
 */
export function integrateMax(intervals: readonly Interval[], start: number, end: number): number {
  const clipped = intervals
    .map((interval) => ({ ...interval, from: Math.max(start, interval.from), to: Math.min(end, interval.to) }))
    .filter((interval) => interval.to > interval.from)
    .sort((a, b) => a.from - b.from);
  const points = [...new Set(clipped.flatMap((interval) => [interval.from, interval.to]))].sort((a, b) => a - b);
  const active = new MaxHeap();
  let next = 0;
  let total = 0;
  for (let index = 0; index + 1 < points.length; index += 1) {
    const from = points[index] as number;
    const to = points[index + 1] as number;
    for (let entering = clipped[next]; entering !== undefined && entering.from <= from; entering = clipped[next]) {
      active.push(entering);
      next += 1;
    }
    // Intervals that ended stay in the heap until they surface; only the top matters.
    while ((active.peek()?.to ?? Infinity) <= from) active.pop();
    const top = active.peek();
    if (top !== undefined) total += top.value * (to - from);
  }
  return total;
}

/**
 * What alerts reported (a `value` annotation or label: 0.31 or `31%` for 31 % of requests
 * failing), one contribution per attached alert with a value, in attach order. Each value holds
 * from its alert's impact start (when its condition first held, when known, else its startsAt)
 * to its end (or the window end): the window opens at the earliest of those, so a pending
 * alert's `for:` must not count as time without impact.
 */
export function valueContributions(events: readonly IncidentEvent[], window: Window): AlertContribution[] {
  const start = window.from.getTime();
  const end = Math.max(start, window.to.getTime());
  const ends = new Map<string, number>();
  for (const event of events) {
    if (event.type === 'incident.alert_resolved') ends.set(event.data.alertId, event.data.endsAt.getTime());
  }
  const contributions: AlertContribution[] = [];
  for (const event of events) {
    if (event.type !== 'incident.alert_attached' || event.data.alert.value === null) continue;
    const { alert } = event.data;
    contributions.push({
      alert,
      intervals: [
        {
          from: Math.max(start, alertImpactStart(alert).at.getTime()),
          to: Math.min(end, ends.get(alert.alertId) ?? end),
          value: alert.value ?? 0,
        },
      ],
    });
  }
  return contributions;
}

/** Peak, mean and alert count per signal (in order of first contribution), and the affected share. */
export function summariseImpact(contributions: readonly AlertContribution[], window: Window): IncidentImpact {
  const start = window.from.getTime();
  const end = Math.max(start, window.to.getTime());
  const bySignal = new Map<SignalClass, { intervals: Interval[]; alerts: number; users: boolean }>();
  for (const { alert, intervals } of contributions) {
    if (intervals.length === 0) continue;
    const entry = bySignal.get(alert.signal) ?? { intervals: [], alerts: 0, users: false };
    entry.intervals.push(...intervals);
    entry.alerts += 1;
    const unit = alert.annotations.impact_unit ?? alert.labels.impact_unit;
    entry.users ||= unit === 'users';
    bySignal.set(alert.signal, entry);
  }
  const span = end - start;
  const signals = [...bySignal.entries()].map(([signal, { intervals, alerts }]) => {
    const peak = intervals.reduce((highest, interval) => Math.max(highest, interval.value), -Infinity);
    return { signal, peak, mean: span === 0 ? peak : integrateMax(intervals, start, end) / span, alerts };
  });
  const errors = bySignal.get('error_rate');
  const errorImpact = signals.find((impact) => impact.signal === 'error_rate');
  const ratios = errors?.intervals.every((interval) => interval.value >= 0 && interval.value <= 1) ?? false;
  return {
    signals,
    affected:
      errors && errorImpact && ratios ? { share: errorImpact.mean, of: errors.users ? 'users' : 'requests' } : null,
  };
}

/** Impact from the values alerts reported; see `valueContributions`. */
export function incidentImpact(events: readonly IncidentEvent[], window: Window): IncidentImpact {
  return summariseImpact(valueContributions(events, window), window);
}
