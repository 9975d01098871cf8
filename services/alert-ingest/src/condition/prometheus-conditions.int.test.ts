import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBus } from '@sitrep/bus';
import { parseAlertRecord, type AlertRecordV1 } from '@sitrep/contracts';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import {
  freePort,
  startAlertmanager,
  startPrometheus,
  waitFor,
  type RunningAlertmanager,
  type RunningPrometheus,
} from '@sitrep/testkit';
import { collectIncidentEvents, ingestConfig, ofType, post, TOKEN } from '../ingest-harness.fixture.js';
import { startAlertIngest, type AlertIngest } from '../service.js';
import { PrometheusRulesClient, type AlertingRule } from './prometheus-rules.js';
import { PrometheusRulesCache } from './rules-cache.js';

// A real Prometheus (Debian's package) evaluating two rules whose `for:` is known, every second:
// SlowBurn holds from the start but has for: 10m, so it stays pending and is listed with its
// activeAt; FastBurn's condition begins to hold GATE_SECONDS after the test starts (so ingest
// already knows the rules when it fires) and fires 5 s later, through a real Alertmanager to
// ingest. The records must say when each condition first held, and how ingest knew.

const GATE_SECONDS = 8;
const FAST_FOR_MS = 5_000;
const SLOW_FOR_MS = 10 * 60_000;

const rulesYaml = (gate: number) => `groups:
  - name: sitrep-conditions
    interval: 1s
    rules:
      - alert: SlowBurn
        expr: vector(1)
        for: 10m
        labels: { service: auth, severity: warning }
      - alert: FastBurn
        expr: vector(time()) > ${gate}
        for: 5s
        labels: { service: auth, severity: critical }
`;

let dataDir: string;
let bus: EmbeddedBus;
let prometheus: RunningPrometheus;
let alertmanager: RunningAlertmanager;
let ingest: AlertIngest;
const registry = createMetricsRegistry({ service: 'alert-ingest', processMetrics: false });
/** Ingest's clock runs this far ahead: a test may post what Prometheus fires later. */
let clockAheadMs = 0;
/** Undone last first, each only once what it undoes has started. */
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sitrep-conditions-int-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  // Alertmanager must know where ingest listens, and ingest where Prometheus does: reserve the port.
  const ingestPort = await freePort();
  alertmanager = await startAlertmanager(`route:
  receiver: sitrep
  group_by: ['alertname']
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: sitrep
    webhook_configs:
      - url: http://127.0.0.1:${ingestPort}/api/v1/alertmanager
        send_resolved: true
        max_alerts: 0
        http_config:
          authorization:
            type: Bearer
            credentials: ${TOKEN}
`);
  cleanups.push(() => alertmanager.close());
  const gate = Math.ceil(Date.now() / 1000) + GATE_SECONDS;
  prometheus = await startPrometheus({
    config: `global:
  evaluation_interval: 1s
  external_labels: { prometheus: conditions-test }
rule_files:
  - rules.yml
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['${new URL(alertmanager.url).host}']
`,
    files: { 'rules.yml': rulesYaml(gate) },
  });
  cleanups.push(() => prometheus.close());
  bus = new EmbeddedBus({ path: join(dataDir, 'bus.sqlite'), logger: createMemoryLogger('error').logger });
  cleanups.push(() => bus.close());
  ingest = await startAlertIngest({
    config: ingestConfig({
      SITREP_DATA_DIR: dataDir,
      SITREP_INGEST_PORT: String(ingestPort),
      PROMETHEUS_URL: prometheus.url,
      SITREP_PROMETHEUS_RULES_REFRESH_MS: '1000',
    }),
    bus,
    clock: { now: () => new Date(Date.now() + clockAheadMs) },
    logger: createMemoryLogger('error').logger,
    registry,
  });
  cleanups.push(() => ingest.close());
  await ingest.started;
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function alertRecords(): Promise<AlertRecordV1[]> {
  return (await bus.readAll('sitrep.alerts.v1')).map((message) => {
    const parsed = parseAlertRecord(JSON.parse(message.value));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    return parsed.value;
  });
}

/** Prometheus's own view, asked directly: the rule, and the activeAt of its one active alert. */
async function ruleNamed(name: string): Promise<AlertingRule & { activeAt: Date }> {
  const rules = await new PrometheusRulesClient(prometheus.url).alertingRules(AbortSignal.timeout(5000));
  const rule = rules.find((candidate) => candidate.name === name);
  const activeAt = rule?.active[0]?.activeAt;
  if (!rule || !activeAt) throw new Error(`${name} is not active yet`);
  return { ...rule, activeAt };
}

const webhookFor = (labels: Record<string, string>, startsAt: Date) => ({
  version: '4',
  groupKey: `{}:{alertname="${labels.alertname ?? ''}"}`,
  truncatedAlerts: 0,
  status: 'firing',
  receiver: 'sitrep',
  groupLabels: { alertname: labels.alertname },
  commonLabels: labels,
  commonAnnotations: {},
  externalURL: alertmanager.url,
  alerts: [{ status: 'firing', labels, annotations: {}, startsAt: startsAt.toISOString(), generatorURL: '' }],
});

describe("ingest learns from a real Prometheus when alerts' conditions began", () => {
  it("reads each rule's for: and the pending alert's activeAt", async () => {
    const cache = new PrometheusRulesCache({
      fetchRules: (signal) => new PrometheusRulesClient(prometheus.url).alertingRules(signal),
      refreshMs: 60_000,
      timeoutMs: 5000,
      logger: createMemoryLogger('error').logger,
      registry: createMetricsRegistry({ service: 'alert-ingest', processMetrics: false }),
    });
    const slow = await waitFor(
      async () => {
        await cache.refresh();
        return cache.current().find((rule) => rule.name === 'SlowBurn' && rule.active.length > 0);
      },
      { description: 'Prometheus to list SlowBurn as pending' },
    );
    expect(slow).toMatchObject({
      forMs: SLOW_FOR_MS,
      intervalMs: 1000,
      labels: { service: 'auth', severity: 'warning' },
    });
    expect(slow.active).toEqual([
      { labels: { alertname: 'SlowBurn', service: 'auth', severity: 'warning' }, activeAt: expect.any(Date) as Date },
    ]);
    // /api/v1/alerts lists the same pending alert with the same activeAt.
    const alerts = (await (await fetch(`${prometheus.url}/api/v1/alerts`)).json()) as {
      data: { alerts: { labels: Record<string, string>; state: string; activeAt: string }[] };
    };
    const pending = alerts.data.alerts.find((alert) => alert.labels.alertname === 'SlowBurn');
    expect(pending?.state).toBe('pending');
    expect(new Date(pending?.activeAt ?? '').getTime()).toBe(slow.active[0]?.activeAt.getTime());
    expect(cache.current().find((rule) => rule.name === 'FastBurn')?.forMs).toBe(FAST_FOR_MS);
    await cache.stop();
  });

  it('dates the alert Alertmanager delivers from its activeAt, in the record and the incident event', async () => {
    const { events, subscription } = await collectIncidentEvents(bus, 'sitrep.incidents.v1');
    try {
      const record = await waitFor(
        async () => (await alertRecords()).find((candidate) => candidate.labels.alertname === 'FastBurn'),
        { timeoutMs: 60_000, description: 'Alertmanager to deliver FastBurn' },
      );
      const fast = await ruleNamed('FastBurn');
      // Alertmanager's copy carries Prometheus's external label; the rule's alert does not.
      expect(record.labels).toMatchObject({ alertname: 'FastBurn', prometheus: 'conditions-test' });
      expect(record.condition).toEqual({ since: fast.activeAt.toISOString(), source: 'prometheus_active' });
      // Prometheus fires at the first evaluation at least for: after activeAt.
      const pendingFor = Date.parse(record.startsAt) - fast.activeAt.getTime();
      expect(pendingFor).toBeGreaterThanOrEqual(FAST_FOR_MS);
      expect(pendingFor).toBeLessThan(FAST_FOR_MS + 2000);

      const attached = await waitFor(() =>
        ofType(events, 'incident.alert_attached').find((event) => event.data.alert.alertname === 'FastBurn'),
      );
      expect(attached.data.alert.condition).toEqual(record.condition);
    } finally {
      await subscription.close();
    }
  });

  it("dates a webhook for the pending alert from its activeAt, or by its rule's for when it is another occurrence", async () => {
    const slow = await ruleNamed('SlowBurn');
    await waitFor(async () => /sitrep_ingest_prometheus_alerting_rules\{[^}]*\} 2/.test(await registry.metrics()));
    const labels = { alertname: 'SlowBurn', service: 'auth', severity: 'warning', prometheus: 'conditions-test' };
    // As Prometheus would fire it once for: ran out.
    const firesAt = new Date(slow.activeAt.getTime() + SLOW_FOR_MS + 1000);
    // An occurrence an hour later cannot have been pending since then.
    const later = new Date(firesAt.getTime() + 3_600_000);
    // Received as if then: ingest refuses alerts that start beyond its clock skew.
    clockAheadMs = later.getTime() - Date.now() + 1000;
    await post(ingest, '/api/v1/alertmanager', webhookFor(labels, firesAt));
    await post(ingest, '/api/v1/alertmanager', webhookFor(labels, later));
    const records = (await alertRecords()).filter((record) => record.labels.alertname === 'SlowBurn');
    expect(records.map((record) => record.condition)).toEqual([
      { since: slow.activeAt.toISOString(), source: 'prometheus_active' },
      { since: new Date(later.getTime() - SLOW_FOR_MS).toISOString(), source: 'prometheus_rule' },
    ]);
  });
});
