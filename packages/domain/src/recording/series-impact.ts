import type { IncidentAlert, IncidentEvent } from '../correlation/incident-event.js';
import { summariseImpact, valueContributions, type AlertContribution, type IncidentImpact } from './impact.js';

/** One point of a series: when, and the value measured then. */
export type SeriesSample = readonly [Date, number];

export interface Series {
  readonly samples: readonly SeriesSample[];
}

/** An alert with the series its own expression gave over the incident window. */
export interface AlertSeries {
  readonly alert: IncidentAlert;
  readonly series: readonly Series[];
}

export interface SeriesImpactOptions {
  /** The query step: each sample holds from its time for one step (or to the window's end). */
  readonly stepMs: number;
  /**
   * The incident's events. Attached alerts without a usable series (not among the inputs, or no
   * finite sample in the window) count by the value they reported, as in `incidentImpact`.
   */
  readonly events?: readonly IncidentEvent[];
}

/**
 * Impact from measured series, with `incidentImpact`'s figures: per signal the highest sample,
 * the time-weighted mean of the highest value across the signal's series at each instant (no
 * sample: zero), and how many alerts had series. Samples outside the window and non-finite ones
 * (Prometheus' NaN for 0/0) are left out.
 */
export function impactFromSeries(
  inputs: readonly AlertSeries[],
  window: { readonly from: Date; readonly to: Date },
  options: SeriesImpactOptions,
): IncidentImpact {
  const start = window.from.getTime();
  const end = Math.max(start, window.to.getTime());
  const step = Math.max(0, options.stepMs);
  const measured = new Map<string, AlertContribution>();
  for (const { alert, series } of inputs) {
    const intervals = series.flatMap(({ samples }) =>
      samples
        .map(([at, value]) => ({ at: at.getTime(), value }))
        .filter(({ at, value }) => Number.isFinite(value) && at >= start && at <= end)
        .map(({ at, value }) => ({ from: at, to: Math.min(end, at + step), value })),
    );
    if (intervals.length === 0) continue;
    const earlier = measured.get(alert.alertId)?.intervals ?? [];
    measured.set(alert.alertId, { alert, intervals: [...earlier, ...intervals] });
  }
  const events = options.events ?? [];
  const reported = new Map(valueContributions(events, window).map((c) => [c.alert.alertId, c]));
  // Attach order, as incidentImpact orders signals; alerts known only from the inputs come last.
  const alertIds = new Set([
    ...events.flatMap((event) => (event.type === 'incident.alert_attached' ? [event.data.alert.alertId] : [])),
    ...inputs.map(({ alert }) => alert.alertId),
  ]);
  const contributions = [...alertIds].flatMap((id) => {
    const contribution = measured.get(id) ?? reported.get(id);
    return contribution ? [contribution] : [];
  });
  return summariseImpact(contributions, window);
}

/**
 * The PromQL expression of an alert's rule from its generatorURL, which Prometheus sets to its
 * graph page for the expression (`/graph?g0.expr=<expr>&g0.tab=1`). Null for other URLs.
 */
export function expressionFromGeneratorUrl(url: string | null): string | null {
  if (url === null || url.trim() === '') return null;
  let parsed: URL;
  try {
    // A base, so a relative link (no --web.external-url behind a proxy) still parses.
    parsed = new URL(url, 'http://generator.invalid');
  } catch {
    return null;
  }
  const expression = parsed.searchParams.get('g0.expr')?.trim();
  return expression === undefined || expression === '' ? null : expression;
}
