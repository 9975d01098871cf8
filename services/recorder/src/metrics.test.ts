import type { OpenIncidentCount } from '@sitrep/store';
import { createMetricsRegistry, metricNameProblems } from '@sitrep/telemetry';
import type { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createRecorderMetrics, DEPRECATED_METRIC_ALIASES, observeMoments, PHASES } from './metrics.js';
import { incidentRow, sampleValue } from './exposition.fixture.js';

const at = (minutes: number): Date => new Date(Date.UTC(2026, 10, 22, 3, minutes));

const row = incidentRow;

function setup(counts: readonly OpenIncidentCount[] = []) {
  const registry = createMetricsRegistry({ service: 'recorder', processMetrics: false });
  let queries = 0;
  const metrics = createRecorderMetrics(registry, {
    openIncidentCounts: () => {
      queries += 1;
      return Promise.resolve([...counts]);
    },
    waitingEvents: () => Promise.resolve({ count: 0, oldestOccurredAt: null }),
  });
  return { registry, metrics, queries: () => queries };
}

const helpOf = async (registry: Registry, name: string): Promise<string | undefined> =>
  (await registry.getMetricsAsJSON()).find((metric) => metric.name === name)?.help;

describe('recorder metrics', () => {
  it('follow sitrep_recorder_<name>_<unit>, but for the deprecated aliases', () => {
    const { registry } = setup();
    // Each old name breaks the rule, which is why it was renamed.
    const broken = metricNameProblems(registry, { subsystems: ['recorder'] }).map(
      (problem) => /^\w+/.exec(problem)![0],
    );
    expect(broken.sort()).toEqual([...DEPRECATED_METRIC_ALIASES.keys()].sort());
    expect(
      metricNameProblems(registry, { subsystems: ['recorder'], exempt: DEPRECATED_METRIC_ALIASES.keys() }),
    ).toEqual([]);
  });

  it('keep each old name as a deprecated alias of its new name, with help saying so', async () => {
    expect(Object.fromEntries(DEPRECATED_METRIC_ALIASES)).toEqual({
      sitrep_incident_time_to_detect_seconds: 'sitrep_recorder_incident_time_to_detect_seconds',
      sitrep_incident_time_to_acknowledge_seconds: 'sitrep_recorder_incident_time_to_acknowledge_seconds',
      sitrep_incident_time_to_mitigate_seconds: 'sitrep_recorder_incident_time_to_mitigate_seconds',
      sitrep_incident_time_to_resolve_seconds: 'sitrep_recorder_incident_time_to_resolve_seconds',
      sitrep_incidents_open: 'sitrep_recorder_open_incidents',
    });
    const { registry } = setup();
    for (const [old, replacement] of DEPRECATED_METRIC_ALIASES) {
      const help = await helpOf(registry, replacement);
      expect(help, replacement).toBeDefined();
      expect(await helpOf(registry, old)).toBe(
        `Deprecated alias of ${replacement}, removed in the next release. ${help!}`,
      );
    }
  });

  it('observe every phase under the new name and its alias alike', async () => {
    const { registry, metrics } = setup();
    const opened = row();
    const acknowledged = row({ acknowledgedAt: at(4) });
    const resolved = row({ acknowledgedAt: at(4), mitigatedAt: at(20), resolvedAt: at(30), status: 'resolved' });
    observeMoments(metrics, { outcome: 'applied', before: null, after: opened });
    observeMoments(metrics, { outcome: 'applied', before: opened, after: acknowledged });
    observeMoments(metrics, { outcome: 'applied', before: acknowledged, after: resolved });
    // A redelivery changes nothing: no phase counts twice.
    observeMoments(metrics, { outcome: 'duplicate', before: resolved, after: resolved });
    const text = await registry.metrics();
    const expected: Record<(typeof PHASES)[number], number> = {
      detect: 60,
      acknowledge: 180,
      mitigate: 1200,
      resolve: 1800,
    };
    const labels = { service: 'auth-lb', severity: 'critical', sitrep_service: 'recorder' };
    for (const phase of PHASES) {
      for (const name of [
        `sitrep_recorder_incident_time_to_${phase}_seconds`,
        `sitrep_incident_time_to_${phase}_seconds`,
      ]) {
        expect(sampleValue(text, `${name}_sum`, labels), name).toBe(expected[phase]);
        expect(sampleValue(text, `${name}_count`, labels), name).toBe(1);
      }
    }
  });

  it('report open incidents under the new name and its alias from one store query per scrape', async () => {
    const { registry, queries } = setup([
      { service: 'auth', severity: 'critical', count: 2 },
      { service: 'users-db', severity: 'warning', count: 1 },
    ]);
    const text = await registry.metrics();
    for (const name of ['sitrep_recorder_open_incidents', 'sitrep_incidents_open']) {
      const labels = (service: string, severity: string) => ({ service, severity, sitrep_service: 'recorder' });
      expect(sampleValue(text, name, labels('auth', 'critical')), name).toBe(2);
      expect(sampleValue(text, name, labels('users-db', 'warning')), name).toBe(1);
    }
    expect(queries()).toBe(1);
    await registry.metrics();
    expect(queries()).toBe(2);
  });
});
