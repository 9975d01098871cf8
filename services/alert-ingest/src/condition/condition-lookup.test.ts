import { describe, expect, it } from 'vitest';
import { normaliseLabels } from '@sitrep/domain';
import { createMemoryLogger, createMetricsRegistry, metricNameProblems } from '@sitrep/telemetry';
import { conditionLookup, countedConditionLookup } from './condition-lookup.js';
import type { AlertingRule } from './prometheus-rules.js';
import { PrometheusRulesCache } from './rules-cache.js';

// Minute m of the stream; HighErrorRate's rule has for: 5m and a 15 s evaluation interval.
const T0 = Date.parse('2026-11-22T03:00:00Z');
const at = (m: number): Date => new Date(T0 + m * 60_000);
const MINUTE = 60_000;

const errorsLabels = { alertname: 'HighErrorRate', service: 'auth', severity: 'critical' };

function rule(overrides: Partial<AlertingRule> = {}): AlertingRule {
  return {
    name: 'HighErrorRate',
    labels: { severity: 'critical' },
    forMs: 5 * MINUTE,
    intervalMs: 15_000,
    active: [],
    ...overrides,
  };
}

const rulesOf = (...rules: AlertingRule[]) => ({ current: () => rules });

/** The alert as Alertmanager sends it: Prometheus's labels plus its external labels. */
const alert = (labels: Record<string, string>, startsAt: Date) => ({
  labels: normaliseLabels({ ...labels, prometheus: 'eu-1' }),
  startsAt,
  status: 'firing' as const,
});

describe('when an alert’s condition first held', () => {
  it("is the activeAt of the alert Prometheus lists with the alert's labels", () => {
    const lookup = conditionLookup({
      rules: rulesOf(
        rule({
          active: [
            { labels: { ...errorsLabels, service: 'api' }, activeAt: at(1) },
            { labels: errorsLabels, activeAt: new Date(T0 + 15_000) },
          ],
        }),
      ),
      alertForMs: new Map([['HighErrorRate', 10 * MINUTE]]),
    });
    // Fired at the first evaluation at least 5 minutes after activeAt: 03:05:15.
    expect(lookup(alert(errorsLabels, new Date(T0 + 5 * MINUTE + 15_000)))).toEqual({
      since: new Date(T0 + 15_000),
      source: 'prometheus_active',
    });
  });

  it("is startsAt minus the rule's for when the active alert is another occurrence (or none is listed)", () => {
    const pendingAgain = rule({ active: [{ labels: errorsLabels, activeAt: at(30) }] });
    const longAgo = rule({ active: [{ labels: errorsLabels, activeAt: at(-60) }] });
    for (const known of [pendingAgain, longAgo, rule()]) {
      const lookup = conditionLookup({ rules: rulesOf(known), alertForMs: new Map() });
      expect(lookup(alert(errorsLabels, at(10)))).toEqual({ since: at(5), source: 'prometheus_rule' });
    }
  });

  it('tells rules of one name apart by their labels, the most specific winning', () => {
    const warning = rule({ labels: { severity: 'warning' }, forMs: 15 * MINUTE });
    const critical = rule({ labels: { severity: 'critical' }, forMs: 5 * MINUTE });
    const any = rule({ labels: {}, forMs: 30 * MINUTE });
    const lookup = conditionLookup({ rules: rulesOf(any, warning, critical), alertForMs: new Map() });
    expect(lookup(alert(errorsLabels, at(20)))?.since).toEqual(at(15));
    expect(lookup(alert({ ...errorsLabels, severity: 'warning' }, at(20)))?.since).toEqual(at(5));
    expect(lookup(alert({ ...errorsLabels, severity: 'info' }, at(40)))?.since).toEqual(at(10));
    // Two rules that match alike but disagree: the shorter for never overstates the impact.
    const twin = rule({ forMs: 2 * MINUTE });
    const both = conditionLookup({ rules: rulesOf(critical, twin), alertForMs: new Map() });
    expect(both(alert(errorsLabels, at(20)))?.since).toEqual(at(18));
  });

  it("falls back to the correlation file's alert_for when Prometheus does not know the rule", () => {
    const lookup = conditionLookup({
      rules: rulesOf(rule({ name: 'OtherAlert' })),
      alertForMs: new Map([['HighErrorRate', 10 * MINUTE]]),
    });
    expect(lookup(alert(errorsLabels, at(20)))).toEqual({ since: at(10), source: 'correlation_file' });
    const withoutPrometheus = conditionLookup({ alertForMs: new Map([['HighErrorRate', 0]]) });
    expect(withoutPrometheus(alert(errorsLabels, at(20)))).toEqual({ since: at(20), source: 'correlation_file' });
  });

  it('knows nothing of an alert no rule and no alert_for names', () => {
    const lookup = conditionLookup({ rules: rulesOf(rule()), alertForMs: new Map([['Other', MINUTE]]) });
    expect(lookup(alert({ alertname: 'DiskFull', service: 'db' }, at(0)))).toBeNull();
    expect(lookup(alert({ service: 'db' }, at(0)))).toBeNull();
  });

  it('counts each answer by source', async () => {
    const registry = createMetricsRegistry({ service: 'alert-ingest', processMetrics: false });
    const lookup = countedConditionLookup(
      conditionLookup({ alertForMs: new Map([['HighErrorRate', MINUTE]]) }),
      registry,
    );
    lookup(alert(errorsLabels, at(5)));
    lookup(alert({ alertname: 'DiskFull' }, at(5)));
    const text = await registry.metrics();
    expect(text).toMatch(/sitrep_ingest_alert_conditions_total\{source="correlation_file"[^}]*\} 1/);
    expect(text).toMatch(/sitrep_ingest_alert_conditions_total\{source="none"[^}]*\} 1/);
    expect(text).toMatch(/sitrep_ingest_alert_conditions_total\{source="prometheus_active"[^}]*\} 0/);
  });
});

describe('condition metrics', () => {
  it('follow sitrep_<subsystem>_<name>_<unit> under ingest', () => {
    const registry = createMetricsRegistry({ service: 'alert-ingest', processMetrics: false });
    countedConditionLookup(conditionLookup({ alertForMs: new Map() }), registry);
    new PrometheusRulesCache({
      fetchRules: () => Promise.resolve([]),
      refreshMs: 60_000,
      timeoutMs: 1000,
      logger: createMemoryLogger('error').logger,
      registry,
    });
    expect(
      registry
        .getMetricsAsArray()
        .map((metric) => metric.name)
        .sort(),
    ).toEqual([
      'sitrep_ingest_alert_conditions_total',
      'sitrep_ingest_prometheus_alerting_rules',
      'sitrep_ingest_prometheus_rules_refreshes_total',
    ]);
    expect(metricNameProblems(registry, { subsystems: ['ingest'] })).toEqual([]);
  });
});
