import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteIncidentStore } from '@sitrep/store';
import { topicNames } from '@sitrep/contracts';
import { FakeClock } from '@sitrep/testkit';
import {
  lbOutageRecords,
  minute,
  startEmbeddedTestRecorder,
  tempDir,
  type EmbeddedTestRecorder,
} from './recorder-harness.fixture.js';
import { rebuild } from './rebuild.js';

// During a rolling upgrade a newer correlator may publish an event type this recorder does not
// know. Dead-lettering it would leave every later event of the incident waiting for it.

let recorder: EmbeddedTestRecorder;

beforeEach(async () => {
  recorder = await startEmbeddedTestRecorder(new FakeClock(minute(90)));
});

afterEach(() => recorder.close());

describe('an incident event of a type a newer Sitrep added', () => {
  it('takes its place in the sequence, changes nothing, and lets the events after it apply', async () => {
    const known = lbOutageRecords();
    const [opened, ...rest] = known;
    if (!opened) throw new Error('no records');
    // The newer correlator's stream: its event 2 is of a new type; the rest move up by one.
    const newer = {
      ...opened,
      id: 'a'.repeat(32),
      sequence: 2,
      type: 'incident.escalation_suggested',
      data: { to: 'db' },
    };
    const shifted = rest.map((record) => ({ ...record, sequence: record.sequence + 1 }));
    await recorder.record([opened, newer as unknown as typeof opened, ...shifted]);

    const row = await recorder.store.incident(opened.incidentId);
    expect(row).toMatchObject({ lastSequence: known.length + 1, status: 'resolved' });
    expect(await recorder.bus.readAll(topicNames().deadLetter)).toEqual([]);
    // A rebuild reads it as live recording did.
    const again = new SqliteIncidentStore(join(tempDir(), 'rebuilt.sqlite'));
    try {
      const result = await rebuild(recorder.bus, again, 'sitrep.');
      expect(result.events.unreadable).toBe(0);
      expect({ ...(await again.incident(opened.incidentId)), revision: 0 }).toEqual({ ...row, revision: 0 });
    } finally {
      await again.close();
    }
    const detail = await recorder.get(`/api/v1/incidents/${opened.incidentId}`);
    expect(detail.body).toMatchObject({
      waitingEvents: 0,
      warnings: [],
      signals: ['load_imbalance', 'error_rate', 'latency'],
    });
  });

  it('still sets aside a known type whose data is broken', async () => {
    const [opened] = lbOutageRecords();
    if (!opened) throw new Error('no records');
    const broken = { ...opened, data: { ...opened.data, severity: 42 } };
    await recorder.bus.publish(topicNames().incidents, [
      { key: opened.incidentId, value: JSON.stringify(broken), headers: { 'sitrep-id': opened.id } },
    ]);
    await expect.poll(async () => (await recorder.bus.readAll(topicNames().deadLetter)).length).toBe(1);
  });
});
