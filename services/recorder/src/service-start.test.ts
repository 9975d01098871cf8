import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { BusError } from '@sitrep/bus';
import { systemClock } from '@sitrep/domain';
import { openIncidentStore } from '@sitrep/store';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import { faultyEmbeddedBus } from '@sitrep/bus/testing';
import { alertValueImpact } from './impact-source.js';
import { recorderConfig, tempDir } from './recorder-harness.fixture.js';
import { startRecorder } from './service.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startWith(error: BusError, times?: number) {
  const dir = tempDir();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const config = recorderConfig({ SITREP_DATA_DIR: dir });
  const bus = faultyEmbeddedBus({ dir, logger: createMemoryLogger('error').logger });
  bus.failStart(error, times === undefined ? {} : { times });
  const store = openIncidentStore(config.store);
  const { logger, lines } = createMemoryLogger();
  const recorder = await startRecorder({
    config,
    bus,
    store,
    clock: systemClock,
    logger,
    registry: createMetricsRegistry({ service: 'recorder', processMetrics: false }),
    impact: alertValueImpact,
  });
  cleanups.push(
    () => store.close(),
    () => bus.close(),
    () => recorder.close(),
  );
  return { recorder, bus, lines };
}

describe('startRecorder start-up', () => {
  it('gives up when the bus refuses for good: started rejects with the error, logged once at error level', async () => {
    const refused = new BusError('cannot start the Kafka bus: not authorised', 'protocol', false);
    const { recorder, bus, lines } = await startWith(refused);
    await expect(recorder.started).rejects.toBe(refused);
    expect(bus.starts).toHaveLength(1);
    expect(lines.filter((line) => line.level === 'error')).toHaveLength(1);
  });

  it('keeps retrying a start that fails in a way that passes', async () => {
    const { recorder, bus, lines } = await startWith(new BusError('connection refused', 'connection', true), 1);
    await recorder.started;
    expect(bus.starts).toHaveLength(2);
    expect(lines.filter((line) => line.level === 'warn')).toHaveLength(1);
    expect((await fetch(`${recorder.url}/readyz`)).status).toBe(200);
  });
});
