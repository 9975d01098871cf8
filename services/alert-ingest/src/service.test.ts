import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BusError } from '@sitrep/bus';
import { systemClock } from '@sitrep/domain';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import { alertBatch as outageAlerts, waitFor, webhookBody } from '@sitrep/testkit';
import { faultyEmbeddedBus, type FaultyBus } from '@sitrep/bus/testing';
import { ingestConfig, send, startIngest } from './ingest-harness.fixture.js';
import { startAlertIngest } from './service.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('startAlertIngest graceful shutdown', () => {
  it('stops accepting connections but finishes an in-flight webhook, publish included', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sitrep-shutdown-'));
    dirs.push(dataDir);
    const config = ingestConfig({
      SITREP_DATA_DIR: dataDir,
      SITREP_SHUTDOWN_TIMEOUT_MS: '10000',
      SITREP_CORRELATOR: 'disabled',
    });
    const bus = faultyEmbeddedBus({ dir: dataDir, logger: createMemoryLogger('error').logger });
    const gate = bus.hangPublish();
    const ingest = await startIngest(config, bus);

    const inFlight = send(ingest, '/api/v1/alertmanager', webhookBody(outageAlerts(3)));
    await waitFor(() => bus.publishes.length === 1, { description: 'the publish to start' });

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

    gate.release();
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

describe('startAlertIngest start-up', () => {
  const start = async (configure: (bus: FaultyBus) => void) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sitrep-start-'));
    dirs.push(dataDir);
    const config = ingestConfig({ SITREP_DATA_DIR: dataDir, SITREP_CORRELATOR: 'disabled' });
    const bus = faultyEmbeddedBus({ dir: dataDir, logger: createMemoryLogger('error').logger });
    configure(bus);
    const { logger, lines } = createMemoryLogger();
    const ingest = await startAlertIngest({
      config,
      bus,
      clock: systemClock,
      logger,
      registry: createMetricsRegistry({ service: 'alert-ingest', processMetrics: false }),
    });
    return { ingest, bus, lines };
  };

  it('gives up when the bus refuses for good: started rejects with the error, logged once at error level', async () => {
    const refused = new BusError(
      'cannot start the Kafka bus: Topic creation errors: sitrep.correlator-state.v1: Configuration is invalid',
      'protocol',
      false,
    );
    const { ingest, bus, lines } = await start((faulty) => faulty.failStart(refused));
    await expect(ingest.started).rejects.toBe(refused);
    expect(bus.starts).toHaveLength(1);
    const errors = lines.filter((line) => line.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ error: { message: refused.message } });
    expect(lines.filter((line) => line.level === 'warn')).toEqual([]);
    await ingest.close();
    await bus.close();
  });

  it('keeps retrying a start that fails in a way that passes, then accepts alerts', async () => {
    const { ingest, bus, lines } = await start((faulty) =>
      faulty.failStart(new BusError('connection refused', 'connection', true), { times: 2 }),
    );
    await ingest.started;
    expect(bus.starts).toHaveLength(3);
    expect(lines.filter((line) => line.level === 'warn')).toHaveLength(2);
    expect(lines.filter((line) => line.level === 'error')).toEqual([]);
    expect((await send(ingest, '/api/v1/alertmanager', webhookBody(outageAlerts(1)))).status).toBe(200);
    await ingest.close();
    await bus.close();
  });
});
