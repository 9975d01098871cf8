import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, waitFor } from '@sitrep/testkit';
import {
  minute,
  lbOutageRecords,
  publishEvents,
  startEmbeddedTestRecorder,
  type EmbeddedTestRecorder,
} from './recorder-harness.fixture.js';

// An event that never comes leaves the ones behind it waiting: the on-call engineer must see
// that the record may be behind, and the operator must see it on a dashboard.

let recorder: EmbeddedTestRecorder;

beforeEach(async () => {
  recorder = await startEmbeddedTestRecorder(new FakeClock(minute(90)));
});

afterEach(() => recorder.close());

describe('events waiting for a gap that never fills', () => {
  it('are counted with their age in the metrics and warned about in the incident detail', async () => {
    const records = lbOutageRecords();
    const [opened, , ...rest] = records;
    if (!opened) throw new Error('no records');
    await publishEvents(recorder.bus, 'sitrep.', [opened, ...rest]);
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
