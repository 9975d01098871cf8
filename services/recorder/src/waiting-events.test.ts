import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedBus } from '@sitrep/bus';
import { createMemoryLogger } from '@sitrep/telemetry';
import { FakeClock, waitFor } from '@sitrep/testkit';
import {
  minute,
  outageRecords,
  publishEvents,
  recorderConfig,
  startTestRecorder,
  tempDir,
  type TestRecorder,
} from './recorder-harness.fixture.js';

// An event that never comes leaves the ones behind it waiting: the on-call engineer must see
// that the record may be behind, and the operator must see it on a dashboard.

let dir: string;
let bus: EmbeddedBus;
let recorder: TestRecorder;

beforeEach(async () => {
  dir = tempDir();
  bus = new EmbeddedBus({ path: join(dir, 'bus.sqlite'), logger: createMemoryLogger('error').logger });
  recorder = await startTestRecorder(recorderConfig({ SITREP_DATA_DIR: dir }), bus, {
    clock: new FakeClock(minute(90)),
  });
});

afterEach(async () => {
  await recorder.close();
  await bus.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('events waiting for a gap that never fills', () => {
  it('are counted with their age in the metrics and warned about in the incident detail', async () => {
    const records = outageRecords();
    const [opened, , ...rest] = records;
    if (!opened) throw new Error('no records');
    await publishEvents(bus, 'sitrep.', [opened, ...rest]);
    await waitFor(async () => (await recorder.store.waitingEvents()).count === rest.length);

    const detail = await recorder.get(`/api/v1/incidents/${opened.incidentId}`);
    expect(detail.body).toMatchObject({ lastSequence: 1, waitingEvents: rest.length });
    expect((detail.body as { warnings: string[] }).warnings).toEqual([
      expect.stringContaining('event 2 has not arrived') as unknown as string,
    ]);
    const metrics = await recorder.registry.metrics();
    expect(metrics).toMatch(new RegExp(`sitrep_recorder_waiting_events\\{[^}]*\\} ${rest.length}\\n`));
    const age = /sitrep_recorder_oldest_waiting_event_age_seconds\{[^}]*\} (\d+(\.\d+)?)/.exec(metrics)?.[1];
    expect(Number(age)).toBeGreaterThan(0);
  });
});
