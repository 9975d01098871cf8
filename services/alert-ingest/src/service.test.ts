import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBus, type Bus, type OutgoingMessage } from '@sitrep/bus';
import { createMemoryLogger } from '@sitrep/telemetry';
import { outageAlerts, waitFor, webhookBody } from '@sitrep/testkit';
import { ingestConfig, send, startIngest } from './ingest-harness.fixture.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The real embedded bus, with publishes held at a gate the test opens. */
function gatedBus(dataDir: string): { bus: Bus; publishes: OutgoingMessage[][]; open: () => void } {
  const { logger } = createMemoryLogger('error');
  const inner = new EmbeddedBus({ path: join(dataDir, 'bus.sqlite'), logger });
  const publishes: OutgoingMessage[][] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const bus: Bus = {
    kind: 'embedded',
    start: (topics) => inner.start(topics),
    publish: async (topic, messages) => {
      publishes.push([...messages]);
      await gate;
      await inner.publish(topic, messages);
    },
    subscribe: (options) => inner.subscribe(options),
    readAll: (topic) => inner.readAll(topic),
    partitionCount: (topic) => inner.partitionCount(topic),
    readiness: () => inner.readiness(),
    close: () => inner.close(),
  };
  return { bus, publishes, open };
}

describe('startAlertIngest graceful shutdown', () => {
  it('stops accepting connections but finishes an in-flight webhook, publish included', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sitrep-shutdown-'));
    dirs.push(dataDir);
    const config = ingestConfig({
      SITREP_DATA_DIR: dataDir,
      SITREP_SHUTDOWN_TIMEOUT_MS: '10000',
      SITREP_CORRELATOR: 'disabled',
    });
    const { bus, publishes, open } = gatedBus(dataDir);
    const ingest = await startIngest(config, bus);

    const inFlight = send(ingest, '/api/v1/alertmanager', webhookBody(outageAlerts(3)));
    await waitFor(() => publishes.length === 1, { description: 'the publish to start' });

    let closed = false;
    const closing = ingest.close().then(() => (closed = true));
    // New connections are refused while the old request is still being served.
    await waitFor(
      () =>
        fetch(`${ingest.url}/healthz`).then(
          () => false,
          () => true,
        ),
      { description: 'new connections refused' },
    );
    expect(closed).toBe(false);

    open();
    const response = await inFlight;
    expect(response.status).toBe(200);
    await closing;
    expect(closed).toBe(true);

    const delivered: string[] = [];
    const subscription = await bus.subscribe({
      groupId: 'check',
      topics: ['sitrep.alerts.v1'],
      fromBeginning: true,
      eachMessage: (message) => {
        delivered.push(message.headers['sitrep-id'] ?? '');
        return Promise.resolve();
      },
    });
    await waitFor(() => delivered.length === 3, { description: 'the three records on disk' });
    await subscription.close();
    await bus.close();
  });
});
