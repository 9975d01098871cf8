import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { incidentEventRecord } from '@sitrep/codec';
import type { IncidentEventRecordV1 } from '@sitrep/contracts';
import { Correlator, DEFAULT_CORRELATION_SETTINGS, DependencyMap } from '@sitrep/domain';
import { SqliteIncidentStore } from '@sitrep/store';
import { domainAlert, minute } from '@sitrep/testkit';
import { applyIncidentEvent } from './apply-event.js';

const at = minute;
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

const alert = (labels: Record<string, string>, starts: number, received: number, ends?: number) =>
  domainAlert(labels, { starts, received, ...(ends === undefined ? {} : { ends }) });

/** The outage's incident events as they travel on the topic. */
function outageRecords(): IncidentEventRecordV1[] {
  const c = new Correlator({
    ...DEFAULT_CORRELATION_SETTINGS,
    quietPeriodMs: 0,
    dependencies: new DependencyMap([['auth-lb', 'auth']]),
  });
  const lb = { alertname: 'BackendLoadImbalance', service: 'auth-lb', severity: 'warning' };
  const errors = { alertname: 'HighErrorRate', service: 'auth', severity: 'critical' };
  return [
    ...c.applyAlert(alert(lb, 0, 1)),
    ...c.applyAlert(alert(errors, 3, 3.5)),
    ...c.applyAlert(alert(errors, 3, 30, 29)),
    ...c.applyAlert(alert(lb, 0, 31, 30)),
  ].map(incidentEventRecord);
}

describe('applyIncidentEvent', () => {
  it('applies events in order into the incident row, and ignores redeliveries', async () => {
    const store = await newStore();
    const records = outageRecords();
    const outcomes = [];
    for (const record of records) outcomes.push(await applyIncidentEvent(store, record));
    expect(outcomes.every((outcome) => outcome === 'applied')).toBe(true);
    expect(await applyIncidentEvent(store, records[2]!)).toBe('duplicate');
    const incident = await store.incident(records[0]!.incidentId);
    expect(incident).toMatchObject({
      status: 'resolved',
      services: ['auth-lb', 'auth'],
      severity: 'critical',
      startedAt: at(0),
      detectedAt: at(1),
      resolvedAt: at(30),
      lastSequence: records.length,
    });
  });

  it('keeps an event that came before its predecessor and applies both when the gap fills', async () => {
    const store = await newStore();
    const records = outageRecords();
    const [first, second, third, ...rest] = records;
    expect(await applyIncidentEvent(store, first!)).toBe('applied');
    expect(await applyIncidentEvent(store, third!)).toBe('waiting');
    expect((await store.incident(first!.incidentId))?.lastSequence).toBe(1);
    expect(await applyIncidentEvent(store, second!)).toBe('applied');
    expect((await store.incident(first!.incidentId))?.lastSequence).toBe(3);
    for (const record of rest) await applyIncidentEvent(store, record);
    expect((await store.incident(first!.incidentId))?.status).toBe('resolved');
  });

  it('keeps events that arrive before the incident was opened', async () => {
    const store = await newStore();
    const records = outageRecords();
    expect(await applyIncidentEvent(store, records[1]!)).toBe('waiting');
    expect(await store.incident(records[0]!.incidentId)).toBeNull();
    expect(await applyIncidentEvent(store, records[0]!)).toBe('applied');
    expect((await store.incident(records[0]!.incidentId))?.lastSequence).toBe(2);
  });

  it('gives the identical incident row in any arrival order (what a rebuild relies on)', async () => {
    const records = outageRecords();
    const inOrder = await newStore();
    for (const record of records) await applyIncidentEvent(inOrder, record);
    const shuffled = await newStore();
    for (const record of [...records].reverse()) await applyIncidentEvent(shuffled, record);
    const id = records[0]!.incidentId;
    expect(await shuffled.incident(id)).toEqual(await inOrder.incident(id));
  });

  it('refuses a different event claiming a sequence already applied', async () => {
    const store = await newStore();
    const [first] = outageRecords();
    await applyIncidentEvent(store, first!);
    await expect(applyIncidentEvent(store, { ...first!, id: 'f'.repeat(32) })).rejects.toMatchObject({
      code: 'conflict',
    });
  });
});
