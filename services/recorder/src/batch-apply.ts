import { incidentEventFromRecord, type ReadIncidentEventRecord } from '@sitrep/codec';
import { foldedIncident, foldIncidentEvent, type IncidentEvent, type IncidentFold } from '@sitrep/domain';
import {
  StoreError,
  type BatchWrite,
  type IncidentRow,
  type IncidentStore,
  type StoredEvent,
  type StoredIncidentState,
} from '@sitrep/store';
import { IncidentFolds, type CachedIncident } from './incident-folds.js';
import { humanEntries, storedEvent, type Applied } from './incident-writer.js';
import { rowStatus } from './status.js';

/** What became of one record of a batch: as applyIncidentEvent says, or a sequence conflict. */
export type BatchResult = Applied | { readonly outcome: 'conflict'; readonly detail: string };

// A stale batch re-reads what it touches; more than a few in a row means a writer in a loop.
const MAX_ATTEMPTS = 20;

/** How many incidents' folds a recorder keeps: a few KiB each. */
export const FOLD_CACHE_INCIDENTS = 4096;

interface Pending {
  readonly stored: StoredEvent;
  readonly event: IncidentEvent;
}

/** One incident's records of the batch, folded over what is stored, and the write that stores them. */
interface IncidentPlan {
  readonly write: BatchWrite | null;
  readonly cache: CachedIncident | null;
  readonly results: readonly (readonly [number, BatchResult])[];
}

const parseStored = (event: StoredEvent): IncidentEvent =>
  incidentEventFromRecord(JSON.parse(event.payload) as ReadIncidentEventRecord);

/** The incident's fold from everything stored (no usable cached fold): what applyIncidentEvent folds. */
function foldFromStore(state: StoredIncidentState): {
  fold: IncidentFold | null;
  applied: number;
  waiting: StoredEvent[];
} {
  const bySequence = new Map(state.events.map((event) => [event.sequence, event]));
  let fold: IncidentFold | undefined;
  let applied = 0;
  if (bySequence.get(1)?.type === 'incident.opened') {
    for (let event = bySequence.get(1); event; event = bySequence.get(applied + 1)) {
      fold = foldIncidentEvent(fold, parseStored(event));
      applied += 1;
    }
  }
  // The ones the fold did not take: after a gap, or all of them when the incident never opened.
  return { fold: fold ?? null, applied, waiting: state.events.filter((event) => event.sequence > applied) };
}

/**
 * The row for a fold, as applyIncidentEvent's rowOf makes it from the same events and entries.
 * Its summary document is written out when first read: a batch makes a row for every event it
 * applies (each record's outcome carries one) but stores only each incident's last, and writing
 * the document for every event cost a fifth of the batch (bench/README.md, Recorder). The fold's
 * summary never changes once made, so the text is the same whenever it is read.
 */
function rowOfFold(base: Omit<CachedIncident, 'row'>, revision: number): IncidentRow {
  const { summary, status, moments } = foldedIncident(base.fold, base.humans);
  let document: string | undefined;
  return {
    id: summary.id,
    status: rowStatus(status),
    services: summary.services,
    severity: summary.severity,
    ...moments,
    lastSequence: summary.sequence,
    revision,
    get summary(): string {
      document ??= JSON.stringify(summary);
      return document;
    },
    updatedAt: new Date(Math.max(base.fold.lastOccurredAt.getTime(), base.latestEntryAt)),
  };
}

/**
 * Folds one incident's records of the batch, in arrival order, into what it stores: the same
 * outcomes, rows and moment observations as applying them one at a time with applyIncidentEvent,
 * but one write (its last row) for the batch.
 */
function planIncident(
  state: StoredIncidentState,
  cached: CachedIncident | undefined,
  records: readonly (readonly [number, ReadIncidentEventRecord])[],
  storedIds: ReadonlyMap<string, unknown>,
): IncidentPlan {
  const fromStore = cached ? null : foldFromStore(state);
  const entries = state.entries ?? [];
  const humans = cached?.humans ?? humanEntries(entries);
  const latestEntryAt =
    cached?.latestEntryAt ?? Math.max(-Infinity, ...entries.map((entry) => entry.recordedAt.getTime()));
  let fold = cached?.fold ?? fromStore?.fold ?? null;
  let applied = cached ? cached.row.lastSequence : (fromStore?.applied ?? 0);
  const pending = new Map<number, Pending>();
  for (const stored of cached ? state.events : (fromStore?.waiting ?? [])) {
    pending.set(stored.sequence, { stored, event: parseStored(stored) });
  }
  const revision = (state.row?.revision ?? 0) + 1;
  let row = state.row;
  const events: StoredEvent[] = [];
  const seen = new Set<string>();
  const takenInBatch = new Map<number, string>();
  const results: (readonly [number, BatchResult])[] = [];
  for (const [index, record] of records) {
    if (storedIds.has(record.id) || seen.has(record.id)) {
      results.push([index, { outcome: 'duplicate', before: row, after: row }]);
      continue;
    }
    const taken = pending.get(record.sequence)?.stored.id ?? takenInBatch.get(record.sequence);
    if (record.sequence <= applied || taken !== undefined) {
      const other = taken === undefined ? ` (not ${record.id})` : ` (${taken}, not ${record.id})`;
      results.push([
        index,
        {
          outcome: 'conflict',
          detail: `incident ${record.incidentId} already has event ${record.sequence} with another id${other}`,
        },
      ]);
      continue;
    }
    seen.add(record.id);
    takenInBatch.set(record.sequence, record.id);
    const stored = storedEvent(record);
    events.push(stored);
    pending.set(record.sequence, { stored, event: incidentEventFromRecord(record) });
    // An incident opens only with incident.opened as its first event; until then everything waits.
    const opens = fold !== null || (applied === 0 && pending.get(1)?.event.type === 'incident.opened');
    if (record.sequence !== applied + 1 || !opens) {
      results.push([index, { outcome: 'waiting', before: row, after: row }]);
      continue;
    }
    for (let step = pending.get(applied + 1); step; step = pending.get(applied + 1)) {
      fold = foldIncidentEvent(fold ?? undefined, step.event);
      pending.delete(applied + 1);
      applied += 1;
    }
    const after = rowOfFold({ fold: fold as IncidentFold, humans, latestEntryAt }, revision);
    results.push([index, { outcome: 'applied', before: row, after }]);
    row = after;
  }
  const written = row !== state.row ? row : null;
  const write = events.length > 0 ? { events, incident: written, previous: state.row } : null;
  const finalRow = written ?? state.row;
  return { write, cache: fold && finalRow ? { fold, humans, latestEntryAt, row: finalRow } : null, results };
}

/**
 * Applies a consumed batch of incident events in one store transaction (one disk flush), with the
 * incidents' folds kept between batches so an event costs the same however many its incident has.
 * Outcomes per record are those of applyIncidentEvent applied one at a time in the batch's order:
 * a redelivery is a duplicate, an event ahead of a missing one waits (and is applied with it), two
 * events claiming one sequence are a conflict (nothing of that record is written). Throws
 * StoreError `unavailable` when the store is, or when the batch stays stale.
 */
export async function applyIncidentEvents(
  store: IncidentStore,
  folds: IncidentFolds,
  records: readonly ReadIncidentEventRecord[],
): Promise<BatchResult[]> {
  const byIncident = new Map<string, (readonly [number, ReadIncidentEventRecord])[]>();
  for (const [index, record] of records.entries()) {
    const list = byIncident.get(record.incidentId);
    if (list) list.push([index, record]);
    else byIncident.set(record.incidentId, [[index, record]]);
  }
  const incidentIds = [...byIncident.keys()];
  const eventIds = records.map((record) => record.id);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const read = await store.readForBatch({
      incidentIds,
      full: new Set(incidentIds.filter((id) => !folds.has(id))),
      eventIds,
    });
    const states = new Map(read.incidents);
    const cachedFolds = new Map<string, CachedIncident>();
    const refetch: string[] = [];
    for (const id of incidentIds) {
      const state = states.get(id);
      if (state?.entries !== null) continue;
      const cached = folds.get(id, state.row);
      if (cached) cachedFolds.set(id, cached);
      else refetch.push(id);
    }
    if (refetch.length > 0) {
      // Folds another writer made stale: everything of those incidents, read again.
      const again = await store.readForBatch({ incidentIds: refetch, full: new Set(refetch), eventIds: [] });
      for (const [id, state] of again.incidents) states.set(id, state);
    }
    const plans = new Map<string, IncidentPlan>();
    for (const [id, list] of byIncident) {
      const state = states.get(id) ?? { row: null, events: [], entries: [] };
      plans.set(id, planIncident(state, cachedFolds.get(id), list, read.storedEvents));
    }
    const writes = [...plans.values()].flatMap((plan) => (plan.write ? [plan.write] : []));
    const outcome = writes.length === 0 ? 'stored' : await store.recordBatch(writes);
    if (outcome === 'stale') {
      for (const id of incidentIds) folds.delete(id);
      continue;
    }
    const results = new Array<BatchResult>(records.length);
    for (const [id, plan] of plans) {
      if (plan.cache) folds.set(id, plan.cache);
      else folds.delete(id);
      for (const [index, result] of plan.results) results[index] = result;
    }
    return results;
  }
  throw new StoreError(`a batch of ${records.length} incident events kept changing while being written`, 'unavailable');
}
