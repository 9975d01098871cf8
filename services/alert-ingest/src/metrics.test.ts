import { createMetricsRegistry, httpMetrics, metricNameProblems } from '@sitrep/telemetry';
import { describe, expect, it } from 'vitest';
import { createCorrelatorMetrics } from './correlation/correlator-metrics.js';
import { createIngestMetrics } from './metrics.js';

describe('alert-ingest metrics', () => {
  it('follow sitrep_<subsystem>_<name>_<unit>, under ingest and correlator, and carry sitrep_service', async () => {
    const registry = createMetricsRegistry({ service: 'alert-ingest', processMetrics: false });
    createIngestMetrics(registry);
    createCorrelatorMetrics(registry, { openIncidents: () => 3, resolvingIncidents: () => 1 });
    httpMetrics(registry, 'ingest');
    expect(registry.getMetricsAsArray().length).toBeGreaterThanOrEqual(13);
    expect(metricNameProblems(registry, { subsystems: ['ingest', 'correlator'] })).toEqual([]);
    const text = await registry.metrics();
    expect(text).toContain('sitrep_ingest_publish_errors_total{class="timeout",sitrep_service="alert-ingest"} 0\n');
    expect(text).toContain('sitrep_correlator_open_incidents{sitrep_service="alert-ingest"} 3\n');
    expect(text).toContain('sitrep_correlator_resolving_incidents{sitrep_service="alert-ingest"} 1\n');
    expect(text).toContain('sitrep_correlator_alerts_ended_total{reason="stale",sitrep_service="alert-ingest"} 0\n');
  });
});
