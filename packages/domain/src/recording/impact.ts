import type { IncidentEvent } from '../correlation/incident-event.js';
import type { SignalClass } from '../correlation/signal.js';

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

interface Interval {
  readonly from: number;
  readonly to: number;
  readonly value: number;
}

/** ∫ max(active values) dt over [start, end], by sweeping the interval boundaries. */
function integrateMax(intervals: readonly Interval[], start: number, end: number): number {
  const points = [...new Set([start, end, ...intervals.flatMap((i) => [i.from, i.to])])]
    .filter((point) => point >= start && point <= end)
    .sort((a, b) => a - b);
  let total = 0;
  for (let index = 0; index + 1 < points.length; index += 1) {
    const from = points[index] as number;
    const to = points[index + 1] as number;
    const active = intervals.filter((interval) => interval.from <= from && interval.to >= to);
    if (active.length > 0) total += Math.max(...active.map((interval) => interval.value)) * (to - from);
  }
  return total;
}

/**
 * Impact from the values alerts reported (a `value` annotation or label: 0.31 or `31%` for 31 %
 * of requests failing). Each value holds from its alert's start to its end (or the window end).
 */
export function incidentImpact(
  events: readonly IncidentEvent[],
  window: { readonly from: Date; readonly to: Date },
): IncidentImpact {
  const start = window.from.getTime();
  const end = Math.max(start, window.to.getTime());
  const ends = new Map<string, number>();
  for (const event of events) {
    if (event.type === 'incident.alert_resolved') ends.set(event.data.alertId, event.data.endsAt.getTime());
  }
  const bySignal = new Map<SignalClass, { intervals: Interval[]; users: boolean }>();
  for (const event of events) {
    if (event.type !== 'incident.alert_attached' || event.data.alert.value === null) continue;
    const { alert } = event.data;
    const entry = bySignal.get(alert.signal) ?? { intervals: [], users: false };
    entry.intervals.push({
      from: Math.max(start, alert.startsAt.getTime()),
      to: Math.min(end, ends.get(alert.alertId) ?? end),
      value: alert.value ?? 0,
    });
    const unit = alert.annotations.impact_unit ?? alert.labels.impact_unit;
    entry.users ||= unit === 'users';
    bySignal.set(alert.signal, entry);
  }
  const span = end - start;
  const signals = [...bySignal.entries()].map(([signal, { intervals }]) => ({
    signal,
    peak: Math.max(...intervals.map((interval) => interval.value)),
    mean:
      span === 0
        ? Math.max(...intervals.map((interval) => interval.value))
        : integrateMax(intervals, start, end) / span,
    alerts: intervals.length,
  }));
  const errors = bySignal.get('error_rate');
  const errorImpact = signals.find((impact) => impact.signal === 'error_rate');
  const ratios = errors?.intervals.every((interval) => interval.value >= 0 && interval.value <= 1) ?? false;
  return {
    signals,
    affected:
      errors && errorImpact && ratios ? { share: errorImpact.mean, of: errors.users ? 'users' : 'requests' } : null,
  };
}
