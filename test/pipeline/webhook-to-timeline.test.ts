import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaBus } from '@sitrep/bus';
import { EnvReader } from '@sitrep/config';
import { systemClock } from '@sitrep/domain';
import { loadIngestConfig, startAlertIngest, type AlertIngest } from '@sitrep/alert-ingest';
import { alertValueImpact, loadRecorderConfig, startRecorder, type Recorder } from '@sitrep/recorder';
import { SqliteIncidentStore } from '@sitrep/store';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import {
  FakeClock,
  LB_OUTAGE,
  lbOutageCorrelationYaml,
  lbOutageDeliveries,
  streamTime,
  testKafkaBrokers,
  uniqueName,
  waitFor,
  type OutageDelivery,
} from '@sitrep/testkit';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Webhooks in, timeline out: alert-ingest (with its correlator) and the recorder, each with its
// own Kafka client, joined only by real Kafka topics, as two deployments would be.
const INGEST_TOKEN = uniqueName('ingest-token');
const API_TOKEN = uniqueName('api-token');
const { logger } = createMemoryLogger('error');
const CORRELATION = lbOutageCorrelationYaml({ quiet_period: '1s', group: '10m' });

interface Detail {
  status: string;
  services: string[];
  signals: string[];
  severity: string;
  moments: Record<string, string | null>;
  durations: Record<string, number | null>;
  impact: { affected: { share: number; of: string } | null };
  probableCause: { signal: string; service: string }[];
  changes: { summary: string }[];
}

describe('webhook -> Kafka -> correlator -> recorder -> timeline', () => {
  const prefix = `${uniqueName('pipe')}.`;
  const dir = mkdtempSync(join(tmpdir(), 'sitrep-pipeline-'));
  const buses: KafkaBus[] = [];
  // alert-ingest's clock follows the deliveries' receipt times; the recorder's is the wall clock.
  const clock = new FakeClock();
  let ingest: AlertIngest;
  let recorder: Recorder;
  let store: SqliteIncidentStore;

  const bus = (clientId: string) => {
    const created = new KafkaBus({ brokers: [testKafkaBrokers()], clientId, publishTimeoutMs: 15_000, logger });
    buses.push(created);
    return created;
  };
  const env = (extra: Record<string, string>) => {
    const reader = new EnvReader({
      KAFKA_BROKERS: testKafkaBrokers(),
      SITREP_TOPIC_PREFIX: prefix,
      SITREP_TOPIC_PARTITIONS: '3',
      SITREP_DATA_DIR: dir,
      ...extra,
    });
    return reader;
  };
  const send = async (path: string, body: unknown) => {
    const response = await fetch(`${ingest.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INGEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
  };
  const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const response = await fetch(`${recorder.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (response.headers.get('content-type')?.includes('json') ? response.json() : response.text()) as Promise<T>;
  };

  beforeAll(async () => {
    writeFileSync(join(dir, 'correlation.yml'), CORRELATION);
    const ingestEnv = env({
      SITREP_INGEST_PORT: '0',
      SITREP_INGEST_BEARER_TOKEN: INGEST_TOKEN,
      SITREP_CORRELATION_CONFIG: join(dir, 'correlation.yml'),
    });
    const ingestConfig = loadIngestConfig(ingestEnv);
    ingestEnv.finish();
    ingest = await startAlertIngest({
      config: ingestConfig,
      bus: bus('e2e-ingest'),
      clock,
      logger,
      registry: createMetricsRegistry({ service: 'alert-ingest', processMetrics: false }),
    });
    await ingest.started;
    const recorderEnv = env({ SITREP_RECORDER_PORT: '0', SITREP_API_TOKEN: API_TOKEN });
    const recorderConfig = loadRecorderConfig(recorderEnv);
    recorderEnv.finish();
    store = new SqliteIncidentStore(join(dir, 'recorder.sqlite'));
    recorder = await startRecorder({
      config: recorderConfig,
      bus: bus('e2e-recorder'),
      store,
      clock: systemClock,
      logger,
      registry: createMetricsRegistry({ service: 'recorder', processMetrics: false }),
      impact: alertValueImpact,
    });
    await recorder.started;
  });

  afterAll(async () => {
    await recorder.close();
    await ingest.close();
    for (const created of buses) await created.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records the outage: one incident, its timeline in order, durations from the alerts and people', async () => {
    // The reference outage, ended a few minutes ago: alert-ingest receives each delivery at its
    // minute. Alertmanager keeps an alert's startsAt in every notification about it, so the
    // outage began before Sitrep heard of it (alerts wait out their `for:`).
    const outage = { epoch: Date.now() - LB_OUTAGE.until * 60_000 };
    const minute = streamTime(outage);
    const deliveries = lbOutageDeliveries(outage);
    const deliver = async (part: readonly OutageDelivery[]) => {
      for (const delivery of part) {
        clock.set(minute(delivery.minute));
        await send(delivery.path, delivery.body);
      }
    };
    // The change and every alert firing come in its first five minutes; recovery begins at 30.
    await deliver(deliveries.filter((delivery) => delivery.minute < 10));

    const list = await waitFor(
      async () => {
        const page = await api<{ incidents: { id: string; signals?: string[] }[] }>('/api/v1/incidents');
        return page.incidents.length === 1 ? page : undefined;
      },
      { timeoutMs: 60_000, description: 'the incident to be recorded' },
    );
    const id = list.incidents[0]!.id;
    await waitFor(async () => (await api<Detail>(`/api/v1/incidents/${id}`)).signals.length === 3, {
      timeoutMs: 30_000,
    });

    await api(`/api/v1/incidents/${id}/entries`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'acknowledged', author: 'oncall@example.com', text: '' }),
    });
    await api(`/api/v1/incidents/${id}/entries`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'mitigated', author: 'oncall@example.com', text: 'weights reverted' }),
    });
    await deliver(deliveries.filter((delivery) => delivery.minute >= 10));
    clock.set(minute(LB_OUTAGE.until));

    const detail = await waitFor(
      async () => {
        const incident = await api<Detail>(`/api/v1/incidents/${id}`);
        return incident.status === 'resolved' ? incident : undefined;
      },
      { timeoutMs: 60_000, description: 'the incident to resolve' },
    );
    expect(detail.services.sort()).toEqual(['auth', 'auth-lb']);
    expect(detail.signals.sort()).toEqual(['error_rate', 'latency', 'load_imbalance']);
    expect(detail.severity).toBe('critical');
    expect(detail.changes.map((change) => change.summary)).toEqual([LB_OUTAGE.change.summary]);
    expect(['load_imbalance', 'change']).toContain(detail.probableCause[0]?.signal);
    const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;
    expect(Math.abs(seconds(detail.moments.startedAt!, minute(0).toISOString()))).toBeLessThan(120);
    expect(detail.durations.timeToAcknowledge).toBeGreaterThanOrEqual(0);
    expect(detail.durations.timeToAcknowledge).toBe(
      Math.round(seconds(detail.moments.detectedAt!, detail.moments.acknowledgedAt!)),
    );
    expect(detail.durations.timeToMitigate).toBeGreaterThan(6 * 60 - 120);
    expect(detail.durations.timeToResolve).toBeGreaterThan(9 * 60 - 120);
    expect(detail.impact.affected?.of).toBe('requests');

    const timeline = await api<{ entries: { at: string; kind: string; source: string }[] }>(
      `/api/v1/incidents/${id}/timeline`,
    );
    const kinds = timeline.entries.map((entry) => entry.kind);
    for (const kind of [
      'change',
      'impact_started',
      'alert_fired',
      'detected',
      'acknowledged',
      'mitigated',
      'incident_resolved',
    ]) {
      expect(kinds).toContain(kind);
    }
    const at = timeline.entries.map((entry) => Date.parse(entry.at));
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(kinds.indexOf('impact_started')).toBeLessThan(kinds.indexOf('detected'));
    expect(kinds.indexOf('detected')).toBeLessThan(kinds.indexOf('incident_resolved'));

    const postmortem = await api<string>(`/api/v1/incidents/${id}/postmortem?tz=America/New_York`);
    expect(postmortem).toContain('America/New_York');
    expect(postmortem).toContain('weights reverted');
  });
});
