import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaBus, type IncomingMessage, type Subscription } from '@sitrep/bus';
import { EnvReader } from '@sitrep/config';
import { parseAlertRecord, topicNames, type AlertRecordV1 } from '@sitrep/contracts';
import { systemClock } from '@sitrep/domain';
import { loadIngestConfig, startAlertIngest, type AlertIngest } from '@sitrep/alert-ingest';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import { startAlertmanager, testKafkaBrokers, uniqueName, waitFor, type RunningAlertmanager } from '@sitrep/testkit';

// A real Alertmanager, configured the way the README tells users to, sends its webhooks to
// alert-ingest, which publishes to a real Kafka broker. Nothing here is simulated.
const TOKEN = uniqueName('token');
const { logger } = createMemoryLogger('error');

function alertmanagerConfig(ingestUrl: string, token: string): string {
  return `
route:
  receiver: sitrep
  group_by: ['alertname', 'service']
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: sitrep
    webhook_configs:
      - url: ${ingestUrl}/api/v1/alertmanager
        send_resolved: true
        max_alerts: 0
        http_config:
          authorization:
            type: Bearer
            credentials: ${token}
`;
}

describe('Alertmanager -> alert-ingest -> Kafka', () => {
  const prefix = `${uniqueName('am')}.`;
  let bus: KafkaBus;
  let ingest: AlertIngest;
  let alertmanager: RunningAlertmanager;
  let subscription: Subscription;
  const records: { message: IncomingMessage; record: AlertRecordV1 }[] = [];

  beforeAll(async () => {
    const reader = new EnvReader({
      KAFKA_BROKERS: testKafkaBrokers(),
      SITREP_INGEST_PORT: '0',
      SITREP_INGEST_BEARER_TOKEN: TOKEN,
      SITREP_TOPIC_PREFIX: prefix,
    });
    const config = loadIngestConfig(reader);
    reader.finish();
    bus = new KafkaBus({ brokers: config.platform.kafkaBrokers, clientId: 'e2e', publishTimeoutMs: 10_000, logger });
    ingest = await startAlertIngest({
      config,
      bus,
      clock: systemClock,
      logger,
      registry: createMetricsRegistry({ service: 'alert-ingest', processMetrics: false }),
    });
    await ingest.started;
    subscription = await bus.subscribe({
      groupId: uniqueName('e2e-reader'),
      topics: [topicNames(prefix).alerts],
      fromBeginning: true,
      eachMessage: (message) => {
        const parsed = parseAlertRecord(JSON.parse(message.value));
        if (!parsed.ok) throw new Error(`bad record: ${JSON.stringify(parsed.issues)}`);
        records.push({ message, record: parsed.value });
        return Promise.resolve();
      },
    });
    alertmanager = await startAlertmanager(alertmanagerConfig(ingest.url, TOKEN));
  });

  afterAll(async () => {
    await alertmanager.close();
    await subscription.close();
    await ingest.close();
    await bus.close();
  });

  it('delivers firing and then resolved alerts with the fingerprints Alertmanager assigned', async () => {
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const labels = [
      { alertname: 'HighErrorRate', service: 'auth', severity: 'critical', signal: 'error_rate' },
      { alertname: 'BackendLoadImbalance', service: 'auth', severity: 'warning', instance: 'auth-lb:9100' },
    ];
    await alertmanager.postAlerts(
      labels.map((set) => ({
        labels: set,
        annotations: { summary: `${set.alertname} on auth` },
        startsAt,
        generatorURL: 'http://prometheus.example:9090/graph?g0.expr=job%3Aerrors%3Aratio5m',
      })),
    );
    const firing = await waitFor(
      () => {
        const found = records.filter(({ record }) => record.status === 'firing');
        return found.length >= 2 ? found : undefined;
      },
      { timeoutMs: 60_000, description: 'two firing records from Alertmanager' },
    );
    const amAlerts = (await (await fetch(`${alertmanager.url}/api/v2/alerts`)).json()) as {
      fingerprint: string;
      labels: Record<string, string>;
    }[];
    for (const { record, message } of firing) {
      const source = amAlerts.find((alert) => alert.labels.alertname === record.labels.alertname);
      expect(record.fingerprint).toBe(source?.fingerprint);
      expect(record.endsAt).toBeNull();
      expect(record.startsAt).toBe(startsAt);
      expect(record.scope).toEqual({ label: 'service', value: 'auth', qualifiers: {} });
      expect(record.notification.receiver).toBe('sitrep');
      expect(message.key).toBe('auth');
      expect(message.headers['sitrep-id']).toBe(record.id);
    }

    // Resolve them as Prometheus does: the same alerts with endsAt in the past.
    const endsAt = new Date(Date.now() - 1000).toISOString();
    await alertmanager.postAlerts(labels.map((set) => ({ labels: set, startsAt, endsAt })));
    const resolved = await waitFor(
      () => {
        const found = records.filter(({ record }) => record.status === 'resolved');
        return found.length >= 2 ? found : undefined;
      },
      { timeoutMs: 60_000, description: 'two resolved records' },
    );
    for (const { record } of resolved) {
      expect(record.endsAt).toBe(endsAt);
      const firingCopy = firing.find(({ record: fired }) => fired.fingerprint === record.fingerprint);
      expect(firingCopy).toBeDefined();
      expect(record.id).not.toBe(firingCopy?.record.id);
    }

    // Alertmanager counted successful deliveries and no failures to our receiver.
    const metrics = await alertmanager.metrics();
    expect(metrics).toMatch(/alertmanager_notifications_total\{integration="webhook"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/alertmanager_notifications_failed_total\{integration="webhook"[^}]*\} 0/);
  });
});
