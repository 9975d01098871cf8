import { incidentEventFromRecord, type ReadIncidentEventRecord } from '@sitrep/codec';
import type { TimelineEntryRecordV1 } from '@sitrep/contracts';
import { isHumanEntryKind, recordIncident, type HumanEntry, type IncidentEvent } from '@sitrep/domain';
import {
  StoreError,
  type EntryRow,
  type IncidentRow,
  type IncidentStore,
  type StoredEvent,
  type WriteOutcome,
} from '@sitrep/store';
import { rowStatus } from './status.js';

export type ApplyOutcome =
  /** Stored, and the incident now reflects it (and anything that was waiting for it). */
  | 'applied'
  /** Already stored: a redelivery, ignored. */
  | 'duplicate'
  /** Stored, but something it follows is still missing (an earlier event, or the incident itself). */
  | 'waiting';

/** What one write did to the incident: the metrics observe moments as they appear. */
export interface Applied {
  readonly outcome: ApplyOutcome;
  readonly before: IncidentRow | null;
  readonly after: IncidentRow | null;
}

// Each retry re-reads; more than a few in a row means something writes this incident in a loop.
const MAX_ATTEMPTS = 20;

export function storedEvent(record: ReadIncidentEventRecord): StoredEvent {
  return {
    id: record.id,
    incidentId: record.incidentId,
    sequence: record.sequence,
    type: record.type,
    occurredAt: new Date(record.occurredAt),
    payload: JSON.stringify(record),
  };
}

export function entryRow(record: TimelineEntryRecordV1): EntryRow {
  return {
    id: record.id,
    incidentId: record.incidentId,
    kind: record.kind,
    at: new Date(record.at),
    recordedAt: new Date(record.recordedAt),
    author: record.author,
    text: record.text,
    to: record.to,
  };
}

export function humanEntry(row: EntryRow): HumanEntry | null {
  if (!isHumanEntryKind(row.kind)) return null;
  return { ...row, kind: row.kind };
}

export const humanEntries = (rows: readonly EntryRow[]): HumanEntry[] =>
  rows.map(humanEntry).filter((entry): entry is HumanEntry => entry !== null);

/** Events 1..n without a gap: the part of the log the incident is folded from. */
export function gapFreePrefix(events: readonly StoredEvent[]): IncidentEvent[] {
  const bySequence = new Map(events.map((event) => [event.sequence, event]));
  const prefix: IncidentEvent[] = [];
  for (let sequence = 1; ; sequence += 1) {
    const event = bySequence.get(sequence);
    if (!event) return prefix;
    prefix.push(incidentEventFromRecord(JSON.parse(event.payload) as ReadIncidentEventRecord));
  }
}

/**
 * The row for the incident as its events and entries make it. Every field comes from them (no
 * wall clock), so a rebuild from the topics writes identical rows.
 */
function rowOf(
  events: readonly IncidentEvent[],
  entries: readonly EntryRow[],
  previous: IncidentRow | null,
): IncidentRow | null {
  if (events[0]?.type !== 'incident.opened') return null;
  const humans = humanEntries(entries);
  const lastEvent = events.at(-1) as IncidentEvent;
  const updated = Math.max(lastEvent.occurredAt.getTime(), ...entries.map((entry) => entry.recordedAt.getTime()));
  const record = recordIncident(events, humans, lastEvent.occurredAt);
  const { summary, moments } = record;
  return {
    id: summary.id,
    status: rowStatus(record.status),
    services: summary.services,
    severity: summary.severity,
    ...moments,
    lastSequence: summary.sequence,
    revision: (previous?.revision ?? 0) + 1,
    summary: JSON.stringify(summary),
    updatedAt: new Date(updated),
  };
}

/** Reads, recomputes and writes until the write is not stale (another writer got in between). */
async function writeFresh(
  store: IncidentStore,
  incidentId: string,
  write: (
    row: IncidentRow | null,
    events: readonly StoredEvent[],
    entries: readonly EntryRow[],
  ) => Promise<{ written: WriteOutcome; after: IncidentRow | null; waiting: boolean }>,
): Promise<Applied> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const [before, events, entries] = await Promise.all([
      store.incident(incidentId),
      store.events(incidentId),
      store.entries(incidentId),
    ]);
    const { written, after, waiting } = await write(before, events, entries);
    if (written === 'stale') continue;
    if (written === 'duplicate') return { outcome: 'duplicate', before, after: before };
    return { outcome: waiting ? 'waiting' : 'applied', before, after: waiting ? before : after };
  }
  throw new StoreError(`incident ${incidentId} kept changing while being written`, 'unavailable');
}

/**
 * Applies one incident event. The events table is the log of everything received; the incident
 * row is the fold of its gap-free prefix (sequences 1..n) and people's entries. An event that
 * arrives before one it follows is kept and applied with the missing one: nothing is dropped, and
 * the outcome is the same in any arrival order. Safe to repeat (event ids).
 */
export function applyIncidentEvent(store: IncidentStore, record: ReadIncidentEventRecord): Promise<Applied> {
  const event = storedEvent(record);
  return writeFresh(store, record.incidentId, async (before, events, entries) => {
    const same = events.find((known) => known.sequence === record.sequence);
    if (same) {
      if (same.id === record.id) return { written: 'duplicate', after: before, waiting: false };
      throw new StoreError(
        `incident ${record.incidentId} already has event ${record.sequence} with another id (${same.id}, not ${record.id})`,
        'conflict',
      );
    }
    const prefix = gapFreePrefix([...events, event]);
    const reached = prefix.length >= record.sequence;
    const after = reached ? rowOf(prefix, entries, before) : null;
    return { written: await store.recordEvent(event, after), after, waiting: after === null };
  });
}

/** Applies a person's entry; one for an incident not stored yet waits for it (applied when it opens). */
export function applyTimelineEntry(store: IncidentStore, record: TimelineEntryRecordV1): Promise<Applied> {
  const entry = entryRow(record);
  return writeFresh(store, record.incidentId, async (before, events, entries) => {
    const after = before === null ? null : rowOf(gapFreePrefix(events), [...entries, entry], before);
    return { written: await store.addEntry(entry, after), after, waiting: after === null };
  });
}
