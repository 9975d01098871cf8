import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Correlator,
  DEFAULT_CORRELATION_SETTINGS,
  DependencyMap,
  incidentImpact,
  type IncidentEvent,
} from '@sitrep/domain';
import { domainAlert, freePort, minute, startPrometheus, type RunningPrometheus } from '@sitrep/testkit';
import { createPrometheusImpact } from './prometheus-impact.js';

// The incident: minutes 0 to 30 of the test stream. Half an hour gives 1800 s / 250 points = 7.2 s,
// so the step is the 15 s minimum: evaluations at 0 s, 15 s, ... 1800 s, each holding 15 s.
const window = { from: minute(0), to: minute(30) };
const WINDOW_SECONDS = 30 * 60;

const ERRORS_EXPR = 'auth:error_ratio > 0.1';
const LATENCY_EXPR = 'auth:latency_p99_seconds > 1';

/** auth's error ratio: 0.05, from minute 5 0.4, from 15 0.3, from 25 0.01 (recording-rule style). */
const authErrorRatio = (m: number): number =>
  m >= 5 && m < 15 ? 0.4 : m >= 15 && m < 25 ? 0.3 : m >= 25 ? 0.01 : 0.05;
/** auth's p99 latency: 2.4 s from minute 8 to 20, else 0.3 s. */
const authLatency = (m: number): number => (m >= 8 && m < 20 ? 2.4 : 0.3);

/** One sample a minute from minute -10 to 40, past both ends of the window. */
const everyMinute = (value: (m: number) => number) =>
  Array.from({ length: 51 }, (_, index) => [minute(index - 10), value(index - 10)] as const);

const generatorURL = (expr: string) =>
  `http://prometheus.example:9090/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`;

const lb = { alertname: 'BackendLoadImbalance', service: 'auth-lb', severity: 'warning' };
const errors = { alertname: 'HighErrorRate', service: 'auth', severity: 'critical' };
const latency = { alertname: 'HighLatencyP99', service: 'auth', severity: 'warning' };

/**
 * The outage through the real correlator: the balancer's imbalance (2.8, no expression) from 0 to
 * 30, auth's errors (reporting 31 %) from 5 to 25 and firing again from 27, latency from 8 to 20.
 */
function outage(links: { errors?: string; latency?: string }): IncidentEvent[] {
  const c = new Correlator({
    ...DEFAULT_CORRELATION_SETTINGS,
    quietPeriodMs: 0,
    dependencies: new DependencyMap([['auth-lb', 'auth']]),
  });
  const source = (expr: string | undefined) => (expr === undefined ? {} : { generatorURL: generatorURL(expr) });
  return [
    ...c.applyAlert(domainAlert(lb, { starts: 0, received: 1 }, { value: '2.8' })),
    ...c.applyAlert(domainAlert(errors, { starts: 5, received: 5.5 }, { value: '31%' }, source(links.errors))),
    ...c.applyAlert(domainAlert(latency, { starts: 8, received: 8.5 }, { value: '2.4' }, source(links.latency))),
    ...c.applyAlert(domainAlert(latency, { starts: 8, received: 20.5, ends: 20 }, { value: '2.4' })),
    ...c.applyAlert(domainAlert(errors, { starts: 5, received: 25.5, ends: 25 }, { value: '31%' })),
    ...c.applyAlert(domainAlert(errors, { starts: 27, received: 27.5 }, { value: '31%' }, source(links.errors))),
  ];
}

let prometheus: RunningPrometheus;

beforeAll(async () => {
  prometheus = await startPrometheus({
    series: [
      { metric: 'auth:error_ratio', labels: { service: 'auth' }, samples: everyMinute(authErrorRatio) },
      // Another service's series answers the same expression; it must not count for auth's alert.
      { metric: 'auth:error_ratio', labels: { service: 'api' }, samples: everyMinute(() => 0.9) },
      { metric: 'auth:latency_p99_seconds', labels: { service: 'auth' }, samples: everyMinute(authLatency) },
    ],
  });
});

afterAll(async () => {
  await prometheus.close();
});

describe('Prometheus impact against a real Prometheus', () => {
  it("measures peak, mean and the affected share from each alert's own expression, once per expression", async () => {
    const queries: string[] = [];
    const counting: typeof fetch = (input, init) => {
      queries.push(init?.body instanceof URLSearchParams ? (init.body.get('query') ?? '') : '');
      return fetch(input, init);
    };
    const source = createPrometheusImpact({ url: prometheus.url, timeoutMs: 10_000, fetch: counting });
    const events = outage({ errors: ERRORS_EXPR, latency: LATENCY_EXPR });

    const result = await source.impact(events, window);

    // Both HighErrorRate occurrences share one expression: two queries, not three.
    expect(queries.sort()).toEqual([ERRORS_EXPR, LATENCY_EXPR]);
    expect(result.source).toBe('prometheus');
    expect(result.warning).toBe(
      '1 alert links no Prometheus expression; those alerts count by the values they reported',
    );
    const [imbalance, errorRate, slow] = result.impact.signals;
    // No expression: the imbalance counts by its value, 2.8 over the whole window.
    expect(imbalance).toEqual(incidentImpact(events, window).signals.find((s) => s.signal === 'load_imbalance'));
    // Above 0.1 only from minute 5 to 25: 40 steps of 15 s at 0.4 and 40 at 0.3; the api series'
    // 0.9 is not auth's. Both occurrences of the alert have the series.
    const errorMean = (0.4 * 40 * 15 + 0.3 * 40 * 15) / WINDOW_SECONDS;
    expect(errorRate).toMatchObject({ signal: 'error_rate', peak: 0.4, alerts: 2 });
    expect(errorRate?.mean).toBeCloseTo(errorMean, 10);
    // Above 1 s from minute 8 to 20: 48 steps of 15 s at 2.4.
    expect(slow).toMatchObject({ signal: 'latency', peak: 2.4, alerts: 1 });
    expect(slow?.mean).toBeCloseTo((2.4 * 48 * 15) / WINDOW_SECONDS, 10);
    expect(result.impact.affected?.of).toBe('requests');
    expect(result.impact.affected?.share).toBeCloseTo(errorMean, 10);
  });

  it("falls back to the alerts' values, naming Prometheus' error, for an expression Prometheus refuses", async () => {
    const source = createPrometheusImpact({ url: prometheus.url, timeoutMs: 10_000 });
    const events = outage({ errors: 'sum(rate(' });

    const result = await source.impact(events, window);

    expect(result.source).toBe('alerts');
    expect(result.impact).toEqual(incidentImpact(events, window));
    expect(result.warning).toContain('Prometheus query `sum(rate(` failed: HTTP 400 bad_data:');
    expect(result.warning).toContain('parse error: unclosed left parenthesis');
  });

  it("falls back to the alerts' values when Prometheus is unreachable", async () => {
    const closed = await freePort();
    const source = createPrometheusImpact({ url: `http://127.0.0.1:${closed}`, timeoutMs: 10_000 });
    const events = outage({ errors: ERRORS_EXPR, latency: LATENCY_EXPR });

    const result = await source.impact(events, window);

    expect(result.source).toBe('alerts');
    expect(result.impact).toEqual(incidentImpact(events, window));
    expect(result.warning).toContain('unreachable');
    expect(result.warning).toContain('ECONNREFUSED');
  });

  it("counts by the alerts' values when no alert links an expression", async () => {
    const source = createPrometheusImpact({ url: prometheus.url, timeoutMs: 10_000 });
    const events = outage({});

    const result = await source.impact(events, window);

    expect(result).toEqual({
      impact: incidentImpact(events, window),
      source: 'alerts',
      warning: 'no alert links a Prometheus expression (generatorURL); those alerts count by the values they reported',
    });
  });
});
