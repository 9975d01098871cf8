import { describe, expect, it } from 'vitest';
import { Correlator, DEFAULT_CORRELATION_SETTINGS, incidentImpact, type IncidentEvent } from '@sitrep/domain';
import { domainAlert, minute } from '@sitrep/testkit';
import { createPrometheusImpact, queryStepMs } from './prometheus-impact.js';

// Failure paths a real Prometheus cannot be made to take on demand; the figures themselves are
// checked against a real one in prometheus-impact.int.test.ts.
const window = { from: minute(0), to: minute(30) };

function erroring(): IncidentEvent[] {
  const c = new Correlator(DEFAULT_CORRELATION_SETTINGS);
  const labels = { alertname: 'HighErrorRate', service: 'auth', severity: 'critical' };
  const link = { generatorURL: `http://prometheus:9090/graph?g0.expr=${encodeURIComponent('errors > 0.1')}` };
  return c.applyAlert(domainAlert(labels, { starts: 5, received: 5.5 }, { value: '0.31' }, link));
}

describe('createPrometheusImpact', () => {
  it("gives up after the timeout and counts by the alerts' values", async () => {
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error));
      });
    const events = erroring();
    const result = await createPrometheusImpact({
      url: 'http://prometheus:9090',
      timeoutMs: 100,
      fetch: hanging,
    }).impact(events, window);
    expect(result.source).toBe('alerts');
    expect(result.impact).toEqual(incidentImpact(events, window));
    expect(result.warning).toContain('no answer within 100 ms');
  });

  it('reports a proxy error page by status and text, and sends URL credentials as basic auth', async () => {
    const seen: { url: string; authorization: string | null }[] = [];
    const proxy: typeof fetch = (input, init) => {
      seen.push({
        url: input instanceof Request ? input.url : input.toString(),
        authorization: new Headers(init?.headers).get('authorization'),
      });
      return Promise.resolve(new Response('<html>Bad Gateway</html>', { status: 502 }));
    };
    const result = await createPrometheusImpact({
      url: 'https://sitrep:s%40cret@metrics.example/prometheus/',
      timeoutMs: 1000,
      fetch: proxy,
    }).impact(erroring(), window);
    expect(seen).toEqual([
      {
        url: 'https://metrics.example/prometheus/api/v1/query_range',
        authorization: `Basic ${Buffer.from('sitrep:s@cret').toString('base64')}`,
      },
    ]);
    expect(result.source).toBe('alerts');
    expect(result.warning).toContain('failed: HTTP 502: <html>Bad Gateway</html>');
    expect(result.warning).not.toContain('cret');
  });

  it('counts an alert by its value when the answer holds no series of its own', async () => {
    const otherService: typeof fetch = () =>
      Promise.resolve(
        Response.json({
          status: 'success',
          data: {
            resultType: 'matrix',
            result: [{ metric: { service: 'api' }, values: [[window.from.getTime() / 1000, '0.9']] }],
          },
        }),
      );
    const events = erroring();
    const result = await createPrometheusImpact({ url: 'http://p:9090', timeoutMs: 1000, fetch: otherService }).impact(
      events,
      window,
    );
    expect(result).toEqual({
      impact: incidentImpact(events, window),
      source: 'alerts',
      warning: '1 alert has no Prometheus series over the window; those alerts count by the values they reported',
    });
  });
});

describe('queryStepMs', () => {
  it('keeps to the minimum for short windows and to 250 points, in whole seconds, for long ones', () => {
    expect(queryStepMs(window)).toBe(15_000);
    expect(queryStepMs({ from: minute(0), to: minute(24 * 60) })).toBe(346_000);
    expect(queryStepMs({ from: minute(5), to: minute(0) })).toBe(15_000);
    expect(queryStepMs(window, 60_000)).toBe(60_000);
  });
});
