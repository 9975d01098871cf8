import { incidentImpact, type IncidentEvent } from '@sitrep/domain';
import type { Logger } from '@sitrep/telemetry';
import type { ImpactFigures } from './api/views.js';
import type { RecorderConfig } from './config.js';
import { createPrometheusImpact } from './impact/index.js';

/** Where impact figures come from: the alerts' values, or (PROMETHEUS_URL) the alerts' own series. */
export type ImpactSource = (
  events: readonly IncidentEvent[],
  window: { readonly from: Date; readonly to: Date },
) => Promise<ImpactFigures>;

export const alertValueImpact: ImpactSource = (events, window) =>
  Promise.resolve({ impact: incidentImpact(events, window), source: 'alerts' });

/** Prometheus series when PROMETHEUS_URL is set, else the alerts' values. */
export function impactSourceFor(prometheus: RecorderConfig['prometheus'], logger: Logger): ImpactSource {
  if (prometheus === null) return alertValueImpact;
  const measured = createPrometheusImpact({ url: prometheus.url, timeoutMs: prometheus.timeoutMs });
  return async (events, window) => {
    const figures = await measured.impact(events, window);
    if (figures.warning !== undefined) logger.info('impact partly from alert values', { warning: figures.warning });
    return figures;
  };
}
