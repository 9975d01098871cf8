import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCorrelationConfig, parseDeliveries, replay } from '@sitrep/alert-ingest';
import { EmbeddedBus } from '@sitrep/bus';
import { incidentEventMessages } from '@sitrep/codec';
import { EnvReader } from '@sitrep/config';
import { topicNames } from '@sitrep/contracts';
import { systemClock } from '@sitrep/domain';
import { alertValueImpact, loadRecorderConfig, startRecorder } from '@sitrep/recorder';
import { SqliteIncidentStore } from '@sitrep/store';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import { waitFor } from '@sitrep/testkit';

export interface TimelineRow {
  readonly at: string;
  readonly kind: string;
  readonly source: string;
  readonly text: string;
  readonly author: string | null;
}

const fixture = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url));

/**
 * The same outage from a recorded delivery stream (test/fixtures/lb-outage.ndjson): correlated as
 * it was received, published as incident events on an embedded bus, and recorded by a real
 * recorder. For machines without Prometheus and Alertmanager.
 */
export async function replayRecordedOutage(
  log: (line: string) => void,
): Promise<{ timeline: TimelineRow[]; postmortem: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sitrep-demo-'));
  const { logger } = createMemoryLogger('error');
  const bus = new EmbeddedBus({ path: join(dir, 'bus.sqlite'), logger });
  const store = new SqliteIncidentStore(join(dir, 'recorder.sqlite'));
  const reader = new EnvReader({ SITREP_DATA_DIR: dir, SITREP_RECORDER_PORT: '0', SITREP_AUTH: 'disabled' });
  const config = loadRecorderConfig(reader);
  reader.finish();
  const recorder = await startRecorder({
    config,
    bus,
    store,
    clock: systemClock,
    logger,
    registry: createMetricsRegistry({ service: 'recorder', processMetrics: false }),
    impact: alertValueImpact,
  });
  try {
    await recorder.started;
    const deliveries = parseDeliveries(readFileSync(fixture('lb-outage.ndjson'), 'utf8'));
    const settings = parseCorrelationConfig(
      readFileSync(fixture('lb-outage.correlation.yml'), 'utf8'),
      'lb-outage.correlation.yml',
    );
    log(`replaying ${deliveries.length} recorded deliveries of the outage (test/fixtures/lb-outage.ndjson)`);
    const { events } = await replay(deliveries, { bus, topicPrefix: 'demo.', settings });
    await bus.publish(topicNames().incidents, incidentEventMessages(events, {}));
    const id = events[0]?.incidentId;
    if (id === undefined) throw new Error('the recorded outage produced no incident');
    await waitFor(
      async () => (await store.incident(id))?.lastSequence === events.filter((e) => e.incidentId === id).length,
    );
    const api = async (path: string) => {
      const response = await fetch(`${recorder.url}/api/v1/incidents/${id}${path}`);
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return response;
    };
    const { entries } = (await (await api('/timeline')).json()) as { entries: TimelineRow[] };
    return { timeline: entries, postmortem: await (await api('/postmortem')).text() };
  } finally {
    await recorder.close();
    await bus.close();
    await store.close();
  }
}
