import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBus } from '@sitrep/bus';
import { EnvReader } from '@sitrep/config';
import { parseAlertRecord, type AlertRecordV1 } from '@sitrep/contracts';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import { FakeClock, waitFor } from '@sitrep/testkit';
import { createApp } from '../app.js';
import { loadIngestConfig, type IngestConfig } from '../config.js';
import { ingestConfig, post, startIngest } from '../ingest-harness.fixture.js';
import { ingestTopics } from '../service.js';
import type { AlertingRule } from './prometheus-rules.js';
import type { RulesSource } from './rules-cache.js';

// A webhook for HighErrorRate, fired at 06:00 after its rule's for: of 5 minutes.
const TOKEN = 'tok-conditions-1';
const STARTS_AT = '2026-11-22T06:00:00Z';

const webhook = (alertname = 'HighErrorRate') => ({
  version: '4',
  groupKey: `{}:{alertname="${alertname}"}`,
  truncatedAlerts: 0,
  status: 'firing',
  receiver: 'sitrep',
  groupLabels: { alertname },
  commonLabels: {},
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  alerts: [
    {
      status: 'firing',
      labels: { alertname, service: 'auth', severity: 'critical' },
      annotations: {},
      startsAt: STARTS_AT,
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: '',
      fingerprint: 'c3a1e0e2b4f5d6a7',
    },
  ],
});

const buses: EmbeddedBus[] = [];
afterEach(async () => {
  for (const bus of buses.splice(0)) await bus.close();
});

function config(env: Record<string, string>): IngestConfig {
  const reader = new EnvReader({ SITREP_INGEST_BEARER_TOKEN: TOKEN, ...env });
  const loaded = loadIngestConfig(reader);
  reader.finish();
  return loaded;
}

function correlationFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sitrep-conditions-')), 'correlation.yml');
  writeFileSync(path, text);
  return path;
}

/** Sends the webhook through the real app onto an embedded bus and reads back the alert records. */
async function ingest(settings: IngestConfig, rules?: RulesSource, alertname?: string) {
  const bus = new EmbeddedBus({
    path: join(mkdtempSync(join(tmpdir(), 'sitrep-bus-')), 'bus.sqlite'),
    logger: createMemoryLogger('error').logger,
  });
  buses.push(bus);
  await bus.start(ingestTopics(settings));
  const registry = createMetricsRegistry({ service: 'alert-ingest', processMetrics: false });
  const app = createApp({
    config: settings,
    bus,
    clock: new FakeClock('2026-11-22T06:00:30Z'),
    logger: createMemoryLogger('error').logger,
    registry,
    readiness: [],
    ...(rules ? { rules } : {}),
  });
  await request(app)
    .post('/api/v1/alertmanager')
    .set('authorization', `Bearer ${TOKEN}`)
    .send(webhook(alertname))
    .expect(200);
  const records = (await bus.readAll('sitrep.alerts.v1')).map((message) => {
    const parsed = parseAlertRecord(JSON.parse(message.value));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    return parsed.value;
  });
  return { records, metrics: await registry.metrics() };
}

const conditionOf = (records: readonly AlertRecordV1[]) => records.map((record) => record.condition);

describe("ingest records when an alert's condition first held", () => {
  it("from the correlation file's alert_for, without Prometheus", async () => {
    const settings = config({ SITREP_CORRELATION_CONFIG: correlationFile('alert_for:\n  HighErrorRate: 5m\n') });
    expect(settings.prometheus).toBeNull();
    const { records, metrics } = await ingest(settings);
    expect(conditionOf(records)).toEqual([{ since: '2026-11-22T05:55:00.000Z', source: 'correlation_file' }]);
    expect(metrics).toMatch(/sitrep_ingest_alert_conditions_total\{source="correlation_file"[^}]*\} 1/);
  });

  it('not at all for an alert nothing knows: the record has no condition, the impact counts from startsAt', async () => {
    const settings = config({ SITREP_CORRELATION_CONFIG: correlationFile('alert_for:\n  HighErrorRate: 5m\n') });
    const { records } = await ingest(settings, undefined, 'DiskFull');
    expect(conditionOf(records)).toEqual([undefined]);
    expect(JSON.stringify(records)).not.toContain('condition');
  });

  it("from Prometheus's rules before the correlation file", async () => {
    const settings = config({
      SITREP_CORRELATION_CONFIG: correlationFile('alert_for:\n  HighErrorRate: 10m\n'),
      PROMETHEUS_URL: 'http://prometheus:9090/',
      SITREP_PROMETHEUS_RULES_REFRESH_MS: '15000',
    });
    expect(settings.prometheus).toEqual({ url: 'http://prometheus:9090', refreshMs: 15_000, timeoutMs: 10_000 });
    const rule: AlertingRule = {
      name: 'HighErrorRate',
      labels: { severity: 'critical' },
      forMs: 5 * 60_000,
      intervalMs: 15_000,
      active: [
        {
          labels: { alertname: 'HighErrorRate', service: 'auth', severity: 'critical' },
          activeAt: new Date('2026-11-22T05:54:50Z'),
        },
      ],
    };
    const active = await ingest(settings, { current: () => [rule] });
    expect(conditionOf(active.records)).toEqual([{ since: '2026-11-22T05:54:50.000Z', source: 'prometheus_active' }]);
    const ruleOnly = await ingest(settings, { current: () => [{ ...rule, active: [] }] });
    expect(conditionOf(ruleOnly.records)).toEqual([{ since: '2026-11-22T05:55:00.000Z', source: 'prometheus_rule' }]);
    // Before the first refresh answered: the correlation file says it.
    const empty = await ingest(settings, { current: () => [] });
    expect(conditionOf(empty.records)).toEqual([{ since: '2026-11-22T05:50:00.000Z', source: 'correlation_file' }]);
  });

  it('refuses a refresh interval out of range, naming the variable', () => {
    expect(() =>
      config({ PROMETHEUS_URL: 'http://prometheus:9090', SITREP_PROMETHEUS_RULES_REFRESH_MS: '10' }),
    ).toThrow(/SITREP_PROMETHEUS_RULES_REFRESH_MS/);
  });
});

describe('a Prometheus that never answers', () => {
  it('slows no webhook, and no shutdown', async () => {
    const requests: string[] = [];
    // Accepts the connection, reads the request, never answers.
    const silent: Server = createServer((req) => requests.push(req.url ?? ''));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const dataDir = mkdtempSync(join(tmpdir(), 'sitrep-silent-prometheus-'));
    const settings = ingestConfig({
      SITREP_DATA_DIR: dataDir,
      SITREP_CORRELATOR: 'disabled',
      PROMETHEUS_URL: `http://127.0.0.1:${port}`,
      SITREP_PROMETHEUS_TIMEOUT_MS: '300000',
    });
    const bus = new EmbeddedBus({ path: join(dataDir, 'bus.sqlite'), logger: createMemoryLogger('error').logger });
    buses.push(bus);
    const running = await startIngest(settings, bus);
    try {
      await waitFor(() => requests.length > 0, { description: 'ingest to ask Prometheus for its rules' });
      expect(requests).toEqual(['/api/v1/rules?type=alert']);
      const started = Date.now();
      await post(running, '/api/v1/alertmanager', webhook());
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      const closing = Date.now();
      await running.close();
      expect(Date.now() - closing).toBeLessThan(10_000);
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
