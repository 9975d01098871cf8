import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BusError } from '@sitrep/bus';
import { topicNames } from '@sitrep/contracts';
import { openIncidentStore, type IncidentStore } from '@sitrep/store';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import { FakeClock, waitFor } from '@sitrep/testkit';
import { faultyEmbeddedBus, type FaultyBus } from '@sitrep/bus/testing';
import { alertValueImpact } from './impact-source.js';
import {
  minute,
  lbOutageRecords,
  publishEvents,
  recorderConfig,
  tempDir,
  WRITE_TOKEN,
} from './recorder-harness.fixture.js';
import { startRecorder, type Recorder } from './service.js';

// A person's entry goes on the bus before the store: what the recorder answers when the bus
// will not take it, for a while or for good.

const topics = topicNames('sitrep.');
const records = lbOutageRecords();
const incidentId = records[0]!.incidentId;
let dir: string;
let bus: FaultyBus;
let store: IncidentStore;
let recorder: Recorder;
let lines: Record<string, unknown>[];

beforeEach(async () => {
  dir = tempDir();
  const config = recorderConfig({ SITREP_DATA_DIR: dir, SITREP_RETRY_AFTER_SECONDS: '9' });
  bus = faultyEmbeddedBus({ dir, logger: createMemoryLogger('error').logger });
  store = openIncidentStore(config.store);
  const memory = createMemoryLogger();
  lines = memory.lines;
  recorder = await startRecorder({
    config,
    bus,
    store,
    clock: new FakeClock(minute(60)),
    logger: memory.logger,
    registry: createMetricsRegistry({ service: 'recorder', processMetrics: false }),
    impact: alertValueImpact,
  });
  await recorder.started;
  await publishEvents(bus, 'sitrep.', records);
  await waitFor(async () => (await store.incident(incidentId))?.lastSequence === records.length);
});

afterEach(async () => {
  await recorder.close();
  await bus.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const postEntry = (id: string) =>
  fetch(`${recorder.url}/api/v1/incidents/${incidentId}/entries`, {
    method: 'POST',
    headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id, kind: 'acknowledged', author: 'oncall@example.com', text: 'looking' }),
  });

const codeOf = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

describe('adding an entry when the bus fails', () => {
  it('answers 503 with Retry-After while the failure may pass, and stores the entry on retry', async () => {
    bus.failPublish(new BusError('broker unreachable', 'connection', true), { topic: topics.entries, times: 1 });
    const refused = await postEntry('ack-1');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('9');
    expect(await codeOf(refused)).toBe('unavailable');
    expect(await store.entries(incidentId)).toEqual([]);

    expect((await postEntry('ack-1')).status).toBe(201);
    expect((await bus.readAll(topics.entries)).map((message) => message.headers['sitrep-id'])).toEqual(['ack-1']);
  });

  it('answers 500 internal when the bus refuses the entry for good, and logs the topic, class and cause', async () => {
    const cause = new Error('Not authorized to access topics: [Topic authorization failed]');
    bus.failPublish(new BusError('publish to sitrep.timeline-entries.v1 failed', 'protocol', false, { cause }), {
      topic: topics.entries,
    });
    const refused = await postEntry('ack-1');
    expect(refused.status).toBe(500);
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(await codeOf(refused)).toBe('internal');
    expect(await store.entries(incidentId)).toEqual([]);
    const errors = lines.filter((line) => line.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ topic: topics.entries, errorClass: 'protocol', cause: cause.message });
  });
});
