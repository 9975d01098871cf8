import type { IncidentRow, OpenIncidentCount } from '@sitrep/store';
import { createMetricsRegistry } from '@sitrep/telemetry';
import { describe, expect, it } from 'vitest';
import { loadRecorderConfig } from './config.js';
import { EnvReader } from '@sitrep/config';
import { createRecorderMetrics, observeMoments } from './metrics.js';
import { boundedServiceLabel, topServiceCounts } from './service-labels.js';
import { incidentRow } from './exposition.fixture.js';

const row = (id: string, service: string): IncidentRow => incidentRow({ id, services: [service] });

/** The values of `label` across every series of `name`. */
async function labelValues(registry: ReturnType<typeof createMetricsRegistry>, name: string, label: string) {
  const metric = (await registry.getMetricsAsJSON()).find((candidate) => candidate.name === name);
  return new Set((metric?.values ?? []).map((value) => String(value.labels[label])));
}

describe('incident service labels', () => {
  it('name the first N services seen and call the rest other', () => {
    const label = boundedServiceLabel(2);
    expect(['a', 'b', 'c', 'a', 'd', 'b'].map(label)).toEqual(['a', 'b', 'other', 'a', 'other', 'b']);
  });

  it('keep the N services with most open incidents and sum the rest into other, per severity', () => {
    const counts: OpenIncidentCount[] = [
      { service: 'a', severity: 'critical', count: 1 },
      { service: 'b', severity: 'critical', count: 5 },
      { service: 'b', severity: 'warning', count: 1 },
      { service: 'c', severity: 'warning', count: 3 },
      { service: 'd', severity: 'warning', count: 2 },
    ];
    expect(topServiceCounts(counts, 2)).toEqual([
      { service: 'other', severity: 'critical', count: 1 },
      { service: 'b', severity: 'critical', count: 5 },
      { service: 'b', severity: 'warning', count: 1 },
      { service: 'c', severity: 'warning', count: 3 },
      { service: 'other', severity: 'warning', count: 2 },
    ]);
  });

  it('bound /metrics: 1,000 incident services make at most N + 1 label values per metric', async () => {
    const registry = createMetricsRegistry({ service: 'recorder', processMetrics: false });
    const services = Array.from({ length: 1_000 }, (_, index) => `svc-${index}`);
    const metrics = createRecorderMetrics(
      registry,
      {
        openIncidentCounts: () =>
          Promise.resolve(services.map((service, index) => ({ service, severity: 'critical', count: index + 1 }))),
        waitingEvents: () => Promise.resolve({ count: 0, oldestOccurredAt: null }),
      },
      undefined,
      { maxServices: 10 },
    );
    services.forEach((service, index) =>
      observeMoments(metrics, { outcome: 'applied', before: null, after: row(`inc_${index}`, service) }),
    );
    const open = await labelValues(registry, 'sitrep_recorder_open_incidents', 'service');
    expect(open.size).toBe(11);
    expect(open).toContain('other');
    // The busiest keep their names.
    expect(open).toContain('svc-999');
    const detect = await labelValues(registry, 'sitrep_recorder_incident_time_to_detect_seconds', 'service');
    expect(detect.size).toBe(11);
    expect(detect).toContain('other');
  });

  it('takes N from SITREP_METRICS_MAX_SERVICES (default 50)', () => {
    const load = (env: Record<string, string>) =>
      loadRecorderConfig(new EnvReader({ SITREP_API_TOKEN: 'token', ...env })).metricsMaxServices;
    expect(load({})).toBe(50);
    expect(load({ SITREP_METRICS_MAX_SERVICES: '7' })).toBe(7);
  });
});
