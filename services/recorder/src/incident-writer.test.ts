import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { IncidentEventRecordV1 } from '@sitrep/contracts';
import { SqliteIncidentStore } from '@sitrep/store';
import { minute } from '@sitrep/testkit';
import { applyIncidentEvent, applyTimelineEntry } from './incident-writer.js';
import { entryRecord as entry, lbOutageRecords } from './recorder-harness.fixture.js';

const at = minute;
const apply = async (store: SqliteIncidentStore, record: IncidentEventRecordV1) =>
  (await applyIncidentEvent(store, record)).outcome;
const dirs: string[] = [];
const stores: SqliteIncidentStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function newStore(): Promise<SqliteIncidentStore> {
  const dir = mkdtempSync(join(tmpdir(), 'sitrep-recorder-'));
  dirs.push(dir);
  const store = new SqliteIncidentStore(join(dir, 'recorder.sqlite'));
  stores.push(store);
  await store.migrate();
  return store;
}

describe('applyIncidentEvent', () => {
  it('applies events in order into the incident row, and ignores redeliveries', async () => {
    const store = await newStore();
    const records = lbOutageRecords();
    const outcomes = [];
    for (const record of records) outcomes.push(await apply(store, record));
    expect(outcomes.every((outcome) => outcome === 'applied')).toBe(true);
    expect(await apply(store, records[2]!)).toBe('duplicate');
    const incident = await store.incident(records[0]!.incidentId);
    expect(incident).toMatchObject({
      status: 'resolved',
      services: ['auth-lb', 'auth'],
      severity: 'critical',
      startedAt: at(0),
      detectedAt: at(1),
      resolvedAt: at(32),
      lastSequence: records.length,
    });
  });

  it('keeps an event that came before its predecessor and applies both when the gap fills', async () => {
    const store = await newStore();
    const records = lbOutageRecords();
    const [first, second, third, ...rest] = records;
    expect(await apply(store, first!)).toBe('applied');
    expect(await apply(store, third!)).toBe('waiting');
    expect((await store.incident(first!.incidentId))?.lastSequence).toBe(1);
    expect(await apply(store, second!)).toBe('applied');
    expect((await store.incident(first!.incidentId))?.lastSequence).toBe(3);
    for (const record of rest) await apply(store, record);
    expect((await store.incident(first!.incidentId))?.status).toBe('resolved');
  });

  it('keeps events that arrive before the incident was opened', async () => {
    const store = await newStore();
    const records = lbOutageRecords();
    expect(await apply(store, records[1]!)).toBe('waiting');
    expect(await store.incident(records[0]!.incidentId)).toBeNull();
    expect(await apply(store, records[0]!)).toBe('applied');
    expect((await store.incident(records[0]!.incidentId))?.lastSequence).toBe(2);
  });

  it('gives the identical incident row in any arrival order (what a rebuild relies on)', async () => {
    const records = lbOutageRecords();
    const inOrder = await newStore();
    for (const record of records) await apply(inOrder, record);
    const shuffled = await newStore();
    for (const record of [...records].reverse()) await apply(shuffled, record);
    const id = records[0]!.incidentId;
    // The revision counts writes (a concurrency token), so it differs; everything else is equal.
    const content = async (store: SqliteIncidentStore) => ({ ...(await store.incident(id)), revision: 0 });
    expect(await content(shuffled)).toEqual(await content(inOrder));
  });

  it('refuses a different event claiming a sequence already applied', async () => {
    const store = await newStore();
    const [first] = lbOutageRecords();
    await apply(store, first!);
    await expect(apply(store, { ...first!, id: 'f'.repeat(32) })).rejects.toMatchObject({
      code: 'conflict',
    });
  });
});

describe('applyTimelineEntry', () => {
  it('moves the incident’s moments and status with people’s entries', async () => {
    const store = await newStore();
    const records = lbOutageRecords().slice(0, 2);
    for (const record of records) await apply(store, record);
    const id = records[0]!.incidentId;
    const applied = await applyTimelineEntry(store, entry(id, 'acknowledged', 5));
    expect(applied.outcome).toBe('applied');
    expect(applied.before?.acknowledgedAt).toBeNull();
    expect(applied.after).toMatchObject({ acknowledgedAt: at(5), status: 'open', updatedAt: at(5.5) });
    await applyTimelineEntry(store, entry(id, 'impact_started', -2));
    await applyTimelineEntry(store, entry(id, 'mitigated', 12));
    await applyTimelineEntry(store, entry(id, 'resolved', 20));
    expect(await store.incident(id)).toMatchObject({
      startedAt: at(-2),
      mitigatedAt: at(12),
      resolvedAt: at(20),
      status: 'resolved',
    });
    await applyTimelineEntry(store, entry(id, 'closed', 60));
    expect((await store.incident(id))?.status).toBe('closed');
    expect((await applyTimelineEntry(store, entry(id, 'closed', 60))).outcome).toBe('duplicate');
  });

  it('keeps an entry for an incident not stored yet, and counts it once the incident opens', async () => {
    const store = await newStore();
    const [opened] = lbOutageRecords();
    const id = opened!.incidentId;
    expect((await applyTimelineEntry(store, entry(id, 'acknowledged', 2))).outcome).toBe('waiting');
    expect(await store.incident(id)).toBeNull();
    await apply(store, opened!);
    expect((await store.incident(id))?.acknowledgedAt).toEqual(at(2));
  });

  it('loses nothing when events and entries for one incident are written at the same time', async () => {
    const store = await newStore();
    const records = lbOutageRecords();
    await apply(store, records[0]!);
    const id = records[0]!.incidentId;
    await Promise.all([
      ...records.slice(1).map((record) => applyIncidentEvent(store, record)),
      applyTimelineEntry(store, entry(id, 'acknowledged', 5)),
      applyTimelineEntry(store, entry(id, 'mitigated', 12)),
    ]);
    expect(await store.incident(id)).toMatchObject({
      lastSequence: records.length,
      status: 'resolved',
      acknowledgedAt: at(5),
      mitigatedAt: at(12),
    });
  });
});
