import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBus, type Subscription } from '@sitrep/bus';
import { EnvReader } from '@sitrep/config';
import {
  parseAlertRecord,
  parseIncidentEventRecord,
  topicNames,
  type AlertRecordV1,
  type IncidentEventRecordV1,
} from '@sitrep/contracts';
import { systemClock } from '@sitrep/domain';
import { loadIngestConfig, startAlertIngest, type AlertIngest } from '@sitrep/alert-ingest';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import { startAlertmanager, uniqueName, waitFor, type RunningAlertmanager } from '@sitrep/testkit';

// A real Alertmanager sees an alert resolve and fire again inside one group interval. It replaces
// the old occurrence by the new one and, the group's firing set being unchanged, notifies
// nothing; when the new occurrence resolves, the next notification lists only it, resolved,
// with a startsAt Sitrep never saw. The incident must still resolve, a quiet period later.
const TOKEN = uniqueName('token');
const QUIET_MS = 2000;
const { logger } = createMemoryLogger('error');

const alertmanagerConfig = (ingestUrl: string) => `
route:
  receiver: sitrep
  group_by: ['alertname', 'service']
  group_wait: 1s
  group_interval: 8s
  repeat_interval: 1h
receivers:
  - name: sitrep
    webhook_configs:
      - url: ${ingestUrl}/api/v1/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${TOKEN}
`;

describe('an alert re-firing inside one group interval of a real Alertmanager', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sitrep-refire-'));
  const topics = topicNames('sitrep.');
  let bus: EmbeddedBus;
  let ingest: AlertIngest;
  let alertmanager: RunningAlertmanager;
  let subscription: Subscription;
  const alerts: AlertRecordV1[] = [];
  const events: IncidentEventRecordV1[] = [];

  beforeAll(async () => {
    writeFileSync(join(dir, 'correlation.yml'), `windows:\n  quiet_period: ${QUIET_MS / 1000}s\n`);
    const reader = new EnvReader({
      SITREP_DATA_DIR: dir,
      SITREP_INGEST_PORT: '0',
      SITREP_INGEST_BEARER_TOKEN: TOKEN,
      SITREP_CORRELATION_CONFIG: join(dir, 'correlation.yml'),
    });
    const config = loadIngestConfig(reader);
    reader.finish();
    bus = new EmbeddedBus({ path: join(dir, 'bus.sqlite'), logger, pollIntervalMs: 20 });
    ingest = await startAlertIngest({
      config,
      bus,
      clock: systemClock,
      logger,
      registry: createMetricsRegistry({ service: 'alert-ingest', processMetrics: false }),
    });
    await ingest.started;
    subscription = await bus.subscribe({
      groupId: 'refire-reader',
      topics: [topics.alerts, topics.incidents],
      fromBeginning: true,
      eachMessage: (message) => {
        const json: unknown = JSON.parse(message.value);
        if (message.topic === topics.alerts) {
          const parsed = parseAlertRecord(json);
          if (parsed.ok) alerts.push(parsed.value);
        } else {
          const parsed = parseIncidentEventRecord(json);
          if (parsed.ok) events.push(parsed.value);
        }
        return Promise.resolve();
      },
    });
    alertmanager = await startAlertmanager(alertmanagerConfig(ingest.url));
  });

  afterAll(async () => {
    await alertmanager.close();
    await subscription.close();
    await ingest.close();
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends the replaced occurrence, records the new one, and resolves the incident on time', async () => {
    const labels = { alertname: 'HighErrorRate', service: 'auth', severity: 'critical' };
    const firstStart = new Date(Date.now() - 60_000).toISOString();
    await alertmanager.postAlerts([{ labels, startsAt: firstStart }]);
    await waitFor(() => alerts.some((record) => record.status === 'firing'), {
      timeoutMs: 30_000,
      description: 'the first occurrence notified as firing',
    });

    // Within the group interval that follows: resolved, fired again, resolved again.
    await alertmanager.postAlerts([{ labels, startsAt: firstStart, endsAt: new Date(Date.now() - 500).toISOString() }]);
    const secondStart = new Date().toISOString();
    await alertmanager.postAlerts([{ labels, startsAt: secondStart }]);
    await alertmanager.postAlerts([
      { labels, startsAt: secondStart, endsAt: new Date(Date.now() + 200).toISOString() },
    ]);

    const resolvedIncident = await waitFor(() => events.find((event) => event.type === 'incident.resolved'), {
      timeoutMs: 40_000,
      description: 'the incident resolved',
    });

    // Alertmanager really behaved as described: the first occurrence was never resolved, the
    // second never notified as firing; Sitrep got one firing and one resolved report.
    expect(alerts.map((record) => [record.status, record.startsAt])).toEqual([
      ['firing', firstStart],
      ['resolved', secondStart],
    ]);
    const ended = events.filter((event) => event.type === 'incident.alert_resolved');
    expect(ended.map((event) => event.data.reason)).toEqual(['replaced', 'resolved']);
    expect(new Set(events.map((event) => event.incidentId)).size).toBe(1);
    // On time: the quiet period after the resolved notification, not hours later.
    const resolving = events.find((event) => event.type === 'incident.resolving');
    expect(resolving).toBeDefined();
    expect(Date.parse(resolvedIncident.occurredAt) - Date.parse(alerts[1]!.receivedAt)).toBe(QUIET_MS);
  });
});
