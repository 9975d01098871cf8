import { describe, expect, it } from 'vitest';
import type { IncidentAlert, IncidentEvent } from '../correlation/incident-event.js';
import { lbOutageEvents, minute as at } from '../testing/index.js';
import { incidentImpact } from './impact.js';
import { expressionFromGeneratorUrl, impactFromSeries, type Series } from './series-impact.js';

const minute = 60_000;

/** The reference outage: imbalance from 0, errors (31 %) from 3, latency from 4, all resolved by 32. */
const outage = (): IncidentEvent[] => lbOutageEvents();

function alertNamed(events: readonly IncidentEvent[], alertname: string): IncidentAlert {
  for (const event of events) {
    if (event.type === 'incident.alert_attached' && event.data.alert.alertname === alertname) return event.data.alert;
  }
  throw new Error(`no ${alertname} attached`);
}

/** Samples at the given minutes of the test stream. */
const series = (points: readonly (readonly [number, number])[]): Series => ({
  samples: points.map(([m, value]) => [at(m), value] as const),
});

describe('impactFromSeries', () => {
  const events = outage();
  const errors = alertNamed(events, 'HighErrorRate');

  it('takes the highest sample as the peak and holds each sample for one step', () => {
    const samples = series([
      [3, 0.1],
      [4, 0.4],
      [5, 0.4],
      [6, 0.2],
      [7, 0.1],
      [8, 0],
    ]);
    const impact = impactFromSeries(
      [{ alert: errors, series: [samples] }],
      { from: at(0), to: at(10) },
      {
        stepMs: minute,
      },
    );
    // Six one-minute steps in a ten-minute window: (0.1 + 0.4 + 0.4 + 0.2 + 0.1 + 0) / 10.
    expect(impact.signals).toHaveLength(1);
    expect(impact.signals[0]).toMatchObject({ signal: 'error_rate', peak: 0.4, alerts: 1 });
    expect(impact.signals[0]?.mean).toBeCloseTo(1.2 / 10);
    expect(impact.affected).toEqual({ share: impact.signals[0]?.mean, of: 'requests' });
  });

  it('counts the highest series at each instant, gaps as zero, and only finite samples inside the window', () => {
    const east = series([
      [-1, 0.9],
      [0, 0.2],
      [1, 0.2],
      [2, 0.2],
    ]);
    const west = series([
      [1, 0.5],
      [2, 0.1],
      [3, 0.3],
      [3.5, Number.NaN],
      [4.5, 0.6],
      [6, 0.9],
    ]);
    const impact = impactFromSeries(
      [{ alert: errors, series: [east, west] }],
      { from: at(0), to: at(5) },
      {
        stepMs: minute,
      },
    );
    // 0-1: 0.2, 1-2: max(0.2, 0.5), 2-3: max(0.2, 0.1), 3-4: 0.3, 4-4.5: nothing, 4.5-5: 0.6 cut
    // at the window's end. The samples at -1 and 6 are outside the window.
    expect(impact.signals[0]?.peak).toBe(0.6);
    expect(impact.signals[0]?.mean).toBeCloseTo((0.2 + 0.5 + 0.2 + 0.3 + 0.6 * 0.5) / 5);
  });

  it('lets alerts without series count by their reported values, in attach order', () => {
    const window = { from: at(0), to: at(32) };
    const measured = series(Array.from({ length: 27 }, (_, index) => [3 + index, 0.2] as const));
    const impact = impactFromSeries([{ alert: errors, series: [measured] }], window, { stepMs: minute, events });
    const byValues = incidentImpact(events, window);
    expect(impact.signals.map((signal) => signal.signal)).toEqual(byValues.signals.map((signal) => signal.signal));
    expect(impact.signals.find((signal) => signal.signal === 'error_rate')?.mean).toBeCloseTo((0.2 * 27) / 32);
    for (const signal of ['load_imbalance', 'latency']) {
      expect(impact.signals.find((s) => s.signal === signal)).toEqual(
        byValues.signals.find((s) => s.signal === signal),
      );
    }
    expect(impact.affected?.share).toBeCloseTo((0.2 * 27) / 32);
  });

  it("falls back to an alert's value when its series has no usable sample in the window", () => {
    const window = { from: at(0), to: at(32) };
    const useless = series([
      [-5, 0.5],
      [10, Number.NaN],
      [40, 0.5],
    ]);
    expect(impactFromSeries([{ alert: errors, series: [useless] }], window, { stepMs: minute, events })).toEqual(
      incidentImpact(events, window),
    );
    expect(impactFromSeries([], window, { stepMs: minute, events })).toEqual(incidentImpact(events, window));
  });

  it('gives an affected share only for ratios, of users when the alert says so', () => {
    const window = { from: at(0), to: at(10) };
    const percent = series([[1, 31]]);
    expect(impactFromSeries([{ alert: errors, series: [percent] }], window, { stepMs: minute }).affected).toBeNull();
    const users = { ...errors, labels: { ...errors.labels, impact_unit: 'users' } };
    const ratio = series([[1, 0.5]]);
    expect(impactFromSeries([{ alert: users, series: [ratio] }], window, { stepMs: minute }).affected).toEqual({
      share: 0.05,
      of: 'users',
    });
  });

  it('takes the peak as the mean of an empty window', () => {
    const impact = impactFromSeries(
      [{ alert: errors, series: [series([[5, 0.3]])] }],
      { from: at(5), to: at(5) },
      {
        stepMs: minute,
      },
    );
    expect(impact.signals[0]).toMatchObject({ peak: 0.3, mean: 0.3 });
  });
});

describe('expressionFromGeneratorUrl', () => {
  it("reads Prometheus' g0.expr, decoding + and percent escapes", () => {
    const expr = 'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) > 0.05';
    const url = `http://prometheus:9090/graph?g0.expr=${encodeURIComponent(expr).replace(/%20/g, '+')}&g0.tab=1`;
    expect(expressionFromGeneratorUrl(url)).toBe(expr);
    expect(expressionFromGeneratorUrl(`/graph?g0.expr=${encodeURIComponent('up == 0')}`)).toBe('up == 0');
  });

  it('gives null without an expression', () => {
    for (const url of [null, '', '  ', 'not a url', 'http://[::1', 'http://prometheus:9090/graph?g0.tab=1']) {
      expect(expressionFromGeneratorUrl(url)).toBeNull();
    }
    expect(expressionFromGeneratorUrl('http://grafana/alerting/grafana/abc/view?orgId=1')).toBeNull();
    expect(expressionFromGeneratorUrl('http://prometheus:9090/graph?g0.expr=+&g0.tab=1')).toBeNull();
  });
});
