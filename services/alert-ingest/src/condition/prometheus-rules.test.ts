import { describe, expect, it } from 'vitest';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import {
  parseAlertingRules,
  PrometheusRulesClient,
  PrometheusRulesError,
  type AlertingRule,
} from './prometheus-rules.js';
import { PrometheusRulesCache } from './rules-cache.js';

/** A `/api/v1/rules?type=alert` answer shaped as Prometheus 2.42 writes it. */
const ANSWER = {
  status: 'success',
  data: {
    groups: [
      {
        name: 'sitrep-signals',
        file: '/etc/prometheus/rules.yml',
        rules: [
          {
            state: 'firing',
            name: 'HighErrorRate',
            query: 'service:http_error_ratio:rate1m > 0.05',
            duration: 300,
            keepFiringFor: 0,
            labels: { severity: 'critical', signal: 'error_rate' },
            annotations: { summary: 'errors' },
            alerts: [
              {
                labels: { alertname: 'HighErrorRate', service: 'auth', severity: 'critical', signal: 'error_rate' },
                annotations: { summary: 'errors' },
                state: 'firing',
                activeAt: '2026-11-22T02:59:45.123456789Z',
                value: '3.1e-01',
              },
              { labels: { alertname: 'HighErrorRate' }, state: 'pending', activeAt: '0001-01-01T00:00:00Z' },
            ],
            health: 'ok',
            evaluationTime: 0.0003,
            lastEvaluation: '2026-11-22T03:05:00.1Z',
            type: 'alerting',
          },
          { name: 'service:http_error_ratio:rate1m', query: 'sum(x)', health: 'ok', type: 'recording' },
          { name: 'NoFor', query: 'vector(1)', duration: 0, labels: {}, alerts: [], type: 'alerting' },
          { name: 42, type: 'alerting' },
        ],
        interval: 15,
        limit: 0,
      },
      { name: 'no-interval', rules: [{ name: 'Slow', duration: 0.5, type: 'alerting' }] },
    ],
  },
};

describe('parseAlertingRules', () => {
  it("reads each alerting rule's for:, labels, interval and active alerts", () => {
    const rules = parseAlertingRules(ANSWER);
    expect(rules).toEqual<AlertingRule[]>([
      {
        name: 'HighErrorRate',
        labels: { severity: 'critical', signal: 'error_rate' },
        forMs: 300_000,
        intervalMs: 15_000,
        // Nanoseconds cut to milliseconds; Go's zero time is no activeAt.
        active: [
          {
            labels: { alertname: 'HighErrorRate', service: 'auth', severity: 'critical', signal: 'error_rate' },
            activeAt: new Date('2026-11-22T02:59:45.123Z'),
          },
        ],
      },
      { name: 'NoFor', labels: {}, forMs: 0, intervalMs: 15_000, active: [] },
      { name: 'Slow', labels: {}, forMs: 500, intervalMs: 60_000, active: [] },
    ]);
  });

  it('refuses an answer that is no rules list', () => {
    expect(() => parseAlertingRules({ status: 'error', error: 'boom' })).toThrow(PrometheusRulesError);
    expect(() => parseAlertingRules({ status: 'success', data: { resultType: 'vector' } })).toThrow(
      PrometheusRulesError,
    );
  });
});

describe('PrometheusRulesClient', () => {
  it('asks for the alerting rules, with basic-auth credentials from the URL as a header', async () => {
    const calls: { url: string; authorization: string | undefined }[] = [];
    const fake: typeof fetch = (input, init) => {
      calls.push({
        url: input instanceof Request ? input.url : input.toString(),
        authorization: (init?.headers as Record<string, string>).authorization,
      });
      return Promise.resolve(new Response(JSON.stringify(ANSWER), { status: 200 }));
    };
    const client = new PrometheusRulesClient('http://sitrep:s%3Acret@prometheus:9090/prom/', fake);
    const rules = await client.alertingRules(AbortSignal.timeout(1000));
    expect(rules.map((rule) => rule.name)).toEqual(['HighErrorRate', 'NoFor', 'Slow']);
    expect(calls).toEqual([
      {
        url: 'http://prometheus:9090/prom/api/v1/rules?type=alert',
        authorization: `Basic ${Buffer.from('sitrep:s:cret').toString('base64')}`,
      },
    ]);
  });

  it('says what Prometheus answered when it is not rules', async () => {
    const fake: typeof fetch = () =>
      Promise.resolve(new Response(JSON.stringify({ status: 'error', error: 'unauthorized' }), { status: 401 }));
    await expect(
      new PrometheusRulesClient('http://prometheus:9090', fake).alertingRules(AbortSignal.timeout(1000)),
    ).rejects.toThrow('HTTP 401: unauthorized');
  });
});

describe('PrometheusRulesCache', () => {
  const cache = (fetchRules: (signal: AbortSignal) => Promise<AlertingRule[]>) => {
    const registry = createMetricsRegistry({ service: 'alert-ingest', processMetrics: false });
    const { logger, lines } = createMemoryLogger();
    return {
      cache: new PrometheusRulesCache({ fetchRules, refreshMs: 60_000, timeoutMs: 300_000, logger, registry }),
      registry,
      lines,
    };
  };

  it('keeps the last rules known while Prometheus fails, warning once per outage', async () => {
    const answers: (() => Promise<AlertingRule[]>)[] = [
      () => Promise.resolve(parseAlertingRules(ANSWER)),
      () => Promise.reject(new Error('connect ECONNREFUSED')),
      () => Promise.reject(new Error('connect ECONNREFUSED')),
      () => Promise.resolve([]),
    ];
    const { cache: rules, registry, lines } = cache(() => (answers.shift() ?? (() => Promise.resolve([])))());
    expect(rules.current()).toEqual([]);
    await rules.refresh();
    expect(rules.current()).toHaveLength(3);
    await rules.refresh();
    await rules.refresh();
    expect(rules.current()).toHaveLength(3);
    expect(lines.filter((line) => line.level === 'warn')).toHaveLength(1);
    await rules.refresh();
    expect(rules.current()).toEqual([]);
    expect(lines.some((line) => line.msg === "Prometheus's alerting rules readable again")).toBe(true);
    const text = await registry.metrics();
    expect(text).toMatch(/sitrep_ingest_prometheus_rules_refreshes_total\{outcome="ok"[^}]*\} 2/);
    expect(text).toMatch(/sitrep_ingest_prometheus_rules_refreshes_total\{outcome="error"[^}]*\} 2/);
  });

  it('never waits for a slow Prometheus: readers get what is known, and stop() ends the refresh', async () => {
    const { cache: rules } = cache(
      (signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason as Error));
        }),
    );
    rules.start();
    expect(rules.current()).toEqual([]);
    // Stopping aborts the refresh still waiting: shutdown does not wait for Prometheus either.
    await rules.stop();
    expect(rules.current()).toEqual([]);
  });
});
