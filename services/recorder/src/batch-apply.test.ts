import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { IncidentEventRecordV1, TimelineEntryRecordV1 } from '@sitrep/contracts';
import { SqliteIncidentStore, StoreError, type IncidentRow, type IncidentStore } from '@sitrep/store';
import { applyIncidentEvents, type BatchResult } from './batch-apply.js';
import { IncidentFolds } from './incident-folds.js';
import { applyIncidentEvent, applyTimelineEntry } from './incident-writer.js';
import { entryRecord, lbOutageRecords, manyIncidentRecords, storeContents } from './recorder-harness.fixture.js';

const stores: SqliteIncidentStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

async function newStore(): Promise<SqliteIncidentStore> {
  const store = new SqliteIncidentStore(':memory:');
  stores.push(store);
  await store.migrate();
  return store;
}

/** What the metrics and the caller see of a result: revisions count writes, so they differ. */
const seen = (result: BatchResult) => {
  if (result.outcome === 'conflict') return { outcome: 'conflict' };
  const blank = (row: IncidentRow | null) => (row === null ? null : { ...row, revision: 0 });
  return { outcome: result.outcome, before: blank(result.before), after: blank(result.after) };
};

/** The same records one at a time, as the recorder applied them before batches. */
async function oneAtATime(store: IncidentStore, records: readonly IncidentEventRecordV1[]) {
  const results = [];
  for (const record of records) {
    try {
      results.push(seen(await applyIncidentEvent(store, record)));
    } catch (error) {
      if (!(error instanceof StoreError && error.code === 'conflict')) throw error;
      results.push({ outcome: 'conflict' });
    }
  }
  return results;
}

type Step = { readonly batch: IncidentEventRecordV1[] } | { readonly entry: TimelineEntryRecordV1 };

const records = [...lbOutageRecords(), ...manyIncidentRecords(4)];
const ids = [...new Set(records.map((record) => record.incidentId))];
const ENTRY_KINDS = ['acknowledged', 'mitigated', 'resolved', 'impact_started', 'note', 'closed'] as const;

describe('applyIncidentEvents', () => {
  it('stores, and answers, exactly what applying the records one at a time does, in any order and batching', async () => {
    const steps = fc
      .record({
        order: fc.shuffledSubarray(records, { minLength: records.length, maxLength: records.length }),
        redelivered: fc.array(fc.nat({ max: records.length - 1 }), { maxLength: 8 }),
        cuts: fc.array(fc.nat({ max: records.length + 8 }), { maxLength: 10 }),
        entries: fc.array(
          fc.record({
            at: fc.nat({ max: records.length + 8 }),
            incident: fc.constantFrom(...ids),
            kind: fc.constantFrom(...ENTRY_KINDS),
            minute: fc.integer({ min: -5, max: 60 }),
          }),
          { maxLength: 4 },
        ),
      })
      .map(({ order, redelivered, cuts, entries }) => {
        const stream = [...order];
        for (const index of redelivered) stream.splice(index, 0, order[index] as IncidentEventRecordV1);
        const steps: Step[] = [];
        let batch: IncidentEventRecordV1[] = [];
        const cutSet = new Set(cuts);
        for (const [index, record] of stream.entries()) {
          for (const [n, entry] of entries.entries()) {
            if (entry.at !== index) continue;
            if (batch.length > 0) steps.push({ batch });
            batch = [];
            steps.push({ entry: entryRecord(entry.incident, entry.kind, entry.minute, `e${n}`) });
          }
          if (cutSet.has(index) && batch.length > 0) {
            steps.push({ batch });
            batch = [];
          }
          batch.push(record);
        }
        if (batch.length > 0) steps.push({ batch });
        return steps;
      });
    await fc.assert(
      fc.asyncProperty(steps, async (plan) => {
        const [batched, single] = [await newStore(), await newStore()];
        const folds = new IncidentFolds(3);
        const batchedResults = [];
        const singleResults = [];
        for (const step of plan) {
          if ('entry' in step) {
            await applyTimelineEntry(batched, step.entry);
            await applyTimelineEntry(single, step.entry);
            continue;
          }
          batchedResults.push(...(await applyIncidentEvents(batched, folds, step.batch)).map(seen));
          singleResults.push(...(await oneAtATime(single, step.batch)));
        }
        expect(batchedResults).toEqual(singleResults);
        expect(await storeContents(batched, ids)).toEqual(await storeContents(single, ids));
      }),
      { numRuns: 40 },
    );
  });

  it('sets a conflicting event aside and stores the rest of its batch', async () => {
    const store = await newStore();
    const folds = new IncidentFolds(10);
    const [opened, second, third] = lbOutageRecords();
    await applyIncidentEvents(store, folds, [opened!, second!]);
    const impostor = { ...third!, id: 'impostor' };
    const clash = { ...second!, id: 'other-second' };
    const results = await applyIncidentEvents(store, folds, [clash, impostor, third!]);
    expect(results.map((result) => result.outcome)).toEqual(['conflict', 'applied', 'conflict']);
    expect(results[2]).toMatchObject({ detail: expect.stringContaining('(impostor, not ') as unknown });
    expect((await store.events(opened!.incidentId)).map((event) => event.id)).toEqual([
      opened!.id,
      second!.id,
      'impostor',
    ]);
  });

  it('rebuilds a fold another writer made stale, and retries a batch that lost a race', async () => {
    const store = await newStore();
    const folds = new IncidentFolds(10);
    const [opened, ...rest] = lbOutageRecords();
    await applyIncidentEvents(store, folds, [opened!]);
    await applyTimelineEntry(store, entryRecord(opened!.incidentId, 'acknowledged', 3));
    // Another writer gets in between this batch's read and its write, once.
    let raced = false;
    const racing: IncidentStore = Object.create(store) as IncidentStore;
    racing.recordBatch = async (writes) => {
      if (!raced) {
        raced = true;
        await applyTimelineEntry(store, entryRecord(opened!.incidentId, 'mitigated', 5));
      }
      return store.recordBatch(writes);
    };
    const results = await applyIncidentEvents(racing, folds, rest);
    expect(raced).toBe(true);
    expect(results.every((result) => result.outcome === 'applied')).toBe(true);
    const row = await store.incident(opened!.incidentId);
    expect(row?.lastSequence).toBe(rest.length + 1);
    expect(row?.acknowledgedAt).not.toBeNull();
    expect(row?.mitigatedAt).not.toBeNull();
  });
});
