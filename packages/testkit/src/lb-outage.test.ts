import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LB_OUTAGE, lbOutageNotifications, type OutageDescription } from '@sitrep/domain/testing';
import { describe, expect, it } from 'vitest';
import { lbOutageCorrelationYaml, lbOutageDeliveries, lbOutageNdjson, recentLbOutage } from './lb-outage.js';

// The recorded outage files `npm run demo` and `sitrep replay` read are the description's
// deliveries, so they cannot drift from what the tests use. After an intended change to the
// description, rewrite them with `UPDATE_FIXTURES=1 npx vitest run --project unit lb-outage`.
const fixture = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url));

function generated(name: string, expected: string): void {
  if (process.env.UPDATE_FIXTURES === '1') writeFileSync(fixture(name), expected);
  expect(readFileSync(fixture(name), 'utf8'), `test/fixtures/${name}`).toBe(expected);
}

describe('the reference outage', () => {
  it('is the recorded delivery stream test/fixtures/lb-outage.ndjson', () => {
    generated('lb-outage.ndjson', lbOutageNdjson());
  });

  it('has the correlation file test/fixtures/lb-outage.correlation.yml', () => {
    generated('lb-outage.correlation.yml', lbOutageCorrelationYaml());
  });

  it('is notified as Alertmanager grouping by service would: each group lists what it still holds', () => {
    const summary = lbOutageDeliveries().map(({ minute, body }) => {
      const alerts = (body.alerts ?? []) as { labels: { alertname: string }; status: string }[];
      return [minute, body.groupKey ?? 'change', alerts.map((alert) => `${alert.labels.alertname} ${alert.status}`)];
    });
    expect(summary).toEqual([
      [-4, 'change', []],
      [1, '{}:{service="auth-lb"}', ['BackendLoadImbalance firing']],
      [3.5, '{}:{service="auth"}', ['HighErrorRate firing']],
      [4.5, '{}:{service="auth"}', ['HighErrorRate firing', 'HighLatencyP99 firing']],
      [30.5, '{}:{service="auth"}', ['HighErrorRate resolved', 'HighLatencyP99 firing']],
      [31.5, '{}:{service="auth"}', ['HighLatencyP99 resolved']],
      [33, '{}:{service="auth-lb"}', ['BackendLoadImbalance resolved']],
    ]);
    const both = lbOutageDeliveries()[3]?.body;
    expect(both).toMatchObject({
      status: 'firing',
      groupLabels: { service: 'auth' },
      commonLabels: { service: 'auth' },
    });
    expect(both?.commonAnnotations).toEqual({});
  });

  it('refuses a description whose receipt times Alertmanager could not have produced', () => {
    const { errors } = LB_OUTAGE.alerts;
    const late: OutageDescription = {
      ...LB_OUTAGE,
      alerts: { ...LB_OUTAGE.alerts, errors: { ...errors, received: 2 } },
    };
    expect(() => lbOutageNotifications(late)).toThrow(
      /HighErrorRate: Alertmanager would notify it at minutes 4.5 and 30.5, not 2 and 30.5/,
    );
  });

  it('moves to another epoch whole, and compresses when asked', () => {
    const epoch = Date.parse('2030-01-01T00:00:00Z');
    const [change, first] = lbOutageDeliveries({ epoch });
    expect(change?.line).toMatchObject({
      receivedAt: '2029-12-31T23:56:00.000Z',
      change: { at: '2029-12-31T23:56:00.000Z' },
    });
    expect(first?.line).toMatchObject({ receivedAt: '2030-01-01T00:01:00.000Z' });
    const now = Date.parse('2030-01-01T12:00:00Z');
    const recent = lbOutageDeliveries(recentLbOutage(now));
    expect(recent[0]?.line.receivedAt).toBe('2030-01-01T11:48:48.000Z');
    // The last notification, at minute 33, is just before now.
    expect(recent.at(-1)?.line.receivedAt).toBe('2030-01-01T11:59:54.000Z');
  });
});
