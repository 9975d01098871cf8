import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Correlator, DEFAULT_CORRELATION_SETTINGS, type IncidentEvent } from '@sitrep/domain';
import { domainAlert, freePort, minute, startPrometheus, type RunningPrometheus } from '@sitrep/testkit';
import { alertCharts } from './series.js';
import { renderSeriesSvg } from './series-svg.js';

// Each alert's own series on the incident page, from a real Prometheus holding backfilled samples.
const generatorURL = (expr: string) =>
  `http://prometheus.example:9090/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`;
/** auth's error ratio: 0.05, from minute 5 to 20 0.4. */
const errorRatio = (m: number): number => (m >= 5 && m < 20 ? 0.4 : 0.05);
const everyMinute = (value: (m: number) => number) =>
  Array.from({ length: 41 }, (_, index) => [minute(index - 10), value(index - 10)] as const);

function outage(): IncidentEvent[] {
  const correlator = new Correlator({ ...DEFAULT_CORRELATION_SETTINGS, quietPeriodMs: 0 });
  const errors = { alertname: 'HighErrorRate', service: 'auth', severity: 'critical' };
  const latency = { alertname: 'HighLatencyP99', service: 'auth', severity: 'warning' };
  const saturation = { alertname: 'DiskFull', service: 'auth', severity: 'warning' };
  return [
    ...correlator.applyAlert(
      domainAlert(errors, { starts: 5, received: 5.5 }, {}, { generatorURL: generatorURL('auth:error_ratio > 0.1') }),
    ),
    ...correlator.applyAlert(
      domainAlert(latency, { starts: 6, received: 6.5 }, {}, { generatorURL: generatorURL('auth:latency_p99 >= 1.5') }),
    ),
    // No generatorURL: nothing to draw.
    ...correlator.applyAlert(domainAlert(saturation, { starts: 7, received: 7.5 })),
  ];
}

let prometheus: RunningPrometheus;

beforeAll(async () => {
  prometheus = await startPrometheus({
    series: [
      { metric: 'auth:error_ratio', labels: { service: 'auth' }, samples: everyMinute(errorRatio) },
      // The same expression answers for another service too: not auth's alert's series.
      { metric: 'auth:error_ratio', labels: { service: 'api' }, samples: everyMinute(() => 0.9) },
    ],
  });
});

afterAll(async () => {
  await prometheus.close();
});

describe('alert series charts against a real Prometheus', () => {
  const window = { from: minute(-5), to: minute(25) };

  it("draws each alert's own series without its comparison, with the threshold", async () => {
    const charts = await alertCharts({ url: prometheus.url, timeoutMs: 10_000 }, outage(), window);
    expect(charts?.map((chart) => [chart.label, chart.query, chart.threshold])).toEqual([
      ['HighErrorRate on auth', 'auth:error_ratio', { comparison: '>', value: 0.1 }],
      ['HighLatencyP99 on auth', 'auth:latency_p99', { comparison: '>=', value: 1.5 }],
    ]);
    const [errors, latency] = charts ?? [];
    const values = new Set(errors?.points.map(([, value]) => value));
    expect([...values].sort()).toEqual([0.05, 0.4]);
    expect(errors?.points[0]?.[0]).toBe(minute(-5).getTime());
    expect(errors?.problem).toBeUndefined();
    expect(latency?.points).toEqual([]);
    expect(latency?.problem).toContain('no samples');
    const svg = renderSeriesSvg(
      errors as NonNullable<typeof errors>,
      { from: minute(-5).getTime(), to: minute(25).getTime() },
      [],
      String,
    );
    expect(svg).toContain('class="series s-value"');
    expect(svg).toContain('class="threshold"');
  });

  it('says why when Prometheus cannot be reached, and draws nothing without one', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const charts = await alertCharts({ url, timeoutMs: 2_000 }, outage(), window);
    expect(charts?.[0]?.points).toEqual([]);
    expect(charts?.[0]?.problem).toMatch(/^Prometheus: /);
    expect(await alertCharts(null, outage(), window)).toBeNull();
  });
});
