import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { faultyEmbeddedBus } from '@sitrep/bus/testing';
import { createMemoryLogger } from '@sitrep/telemetry';
import { alertBatch, waitFor, webhookBody } from '@sitrep/testkit';
import { correlatorConfig, post, startIngest } from '../ingest-harness.fixture.js';
import { BATCH_OVERHEAD_BYTES, recordBytes } from '../publish-size.js';

// Kafka refuses a record batch over the topic's max.message.bytes for good: a correlator batch
// whose events together exceed it would stall its partition, retrying forever. Its events go out
// in produce requests within the limit instead.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("the correlator's incident events", () => {
  it('go out in produce requests within the bus message limit, all of them, in order', async () => {
    const limit = 4096;
    const dir = mkdtempSync(join(tmpdir(), 'sitrep-event-requests-'));
    const bus = faultyEmbeddedBus({ dir, logger: createMemoryLogger('error').logger });
    const ingest = await startIngest(
      correlatorConfig({ SITREP_DATA_DIR: dir, SITREP_BUS_MAX_MESSAGE_BYTES: String(limit) }),
      bus,
    );
    cleanups.push(async () => {
      await ingest.close();
      await bus.close();
      rmSync(dir, { recursive: true, force: true });
    });
    // Twenty alerts of one service in one notification: one correlator batch, some 15 KB of events.
    const alerts = alertBatch(20, new Date(Date.now() - 60_000).toISOString());
    expect((await post(ingest, '/api/v1/alertmanager', webhookBody(alerts))).status).toBe(200);
    const requests = () => bus.publishes.filter((call) => call.topic === 'sitrep.incidents.v1');
    const events = () => requests().flatMap((call) => call.messages);
    await waitFor(
      () => events().filter((m) => m.headers?.['sitrep-event-type'] === 'incident.alert_attached').length === 20,
    );
    const total = events().reduce((sum, message) => sum + recordBytes(message), 0);
    expect(total).toBeGreaterThan(limit);
    for (const call of requests()) {
      expect(
        call.messages.reduce((sum, message) => sum + recordBytes(message), BATCH_OVERHEAD_BYTES),
      ).toBeLessThanOrEqual(limit);
    }
    // Split, not dropped: the incident's events, in sequence, with no gap.
    const sequences = events().map((message) => (JSON.parse(message.value ?? '') as { sequence: number }).sequence);
    expect(sequences).toEqual(sequences.map((_, index) => index + 1));
  });
});
