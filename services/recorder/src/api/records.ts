import { randomUUID } from 'node:crypto';
import type { Context } from '@opentelemetry/api';
import { TIMELINE_ENTRY_SCHEMA_NAME, type EntryRequest, type TimelineEntryRecordV1 } from '@sitrep/contracts';
import {
  incidentDurationsOfEpochs,
  recordIncident,
  type Clock,
  type IncidentEvent,
  type IncidentRecord,
  type ReportedIncident,
  type Severity,
} from '@sitrep/domain';
import { ApiError, invalidPayload } from '@sitrep/http';
import type { EntryRow, IncidentRow, IncidentStore, ReportedTimes } from '@sitrep/store';
import type { Logger } from '@sitrep/telemetry';
import { applyTimelineEntry, gapFreePrefix, humanEntries } from '../incident-writer.js';
import { observeMoments, type RecorderMetrics } from '../metrics.js';

/*
 * What the JSON API and the web UI both do with the store: one place, so a page and the API
 * answer the same question the same way.
 */

export interface LoadedIncident {
  readonly record: IncidentRecord;
  readonly events: IncidentEvent[];
  readonly waitingEvents: number;
}

/** The incident folded from its gap-free events and people's entries; 404 when none is stored. */
export async function loadIncidentRecord(store: IncidentStore, clock: Clock, id: string): Promise<LoadedIncident> {
  const [events, entries] = await Promise.all([store.events(id), store.entries(id)]);
  const applied = gapFreePrefix(events);
  if (applied.length === 0) throw new ApiError('not_found', `no incident ${id}`);
  return {
    record: recordIncident(applied, humanEntries(entries), clock.now()),
    events: applied,
    waitingEvents: events.length - applied.length,
  };
}

/**
 * Report rows as the MTTx computation takes them (an incident counts for its first service),
 * from what the store's report index holds (reportedTimes): no date per row.
 */
export function reportedFromTimes(rows: readonly ReportedTimes[], now: Date): ReportedIncident[] {
  const at = now.getTime();
  return rows.map((row) => ({
    service: row.service,
    severity: row.severity as Severity,
    durations: incidentDurationsOfEpochs(row, at),
  }));
}

export interface AddEntryDeps {
  readonly store: IncidentStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: RecorderMetrics;
  readonly maxEntrySkewMs: number;
  readonly publishEntry: (record: TimelineEntryRecordV1, parent: Context) => Promise<void>;
}

export interface AddedEntry {
  /** 201 when recorded now, 200 when a retry (same id) found it recorded already. */
  readonly status: 200 | 201;
  readonly entry: EntryRow;
  readonly incident: IncidentRow;
}

/** An entry id is unique store-wide: the same id on another incident is not a retry but a clash. */
const entryIdTaken = (entryId: string): ApiError =>
  new ApiError('conflict', `entry id ${entryId} is already used on another incident; send another id`, {
    details: [{ field: 'id', message: 'is already used on another incident' }],
  });

/** Records a person's entry: on the bus first, then in the store; a repeated id records once. */
export async function addEntry(
  deps: AddEntryDeps,
  id: string,
  body: EntryRequest,
  parent: Context,
): Promise<AddedEntry> {
  const { store, clock, logger, metrics } = deps;
  const now = clock.now();
  const at = body.at ?? now;
  if (at.getTime() - now.getTime() > deps.maxEntrySkewMs) {
    throw invalidPayload([{ field: 'at', message: 'is in the future; record what has happened' }]);
  }
  const [incident, known, sameId] = await Promise.all([
    store.incident(id),
    store.entries(id),
    body.id === undefined ? null : store.entry(body.id),
  ]);
  if (incident === null) throw new ApiError('not_found', `no incident ${id}`);
  if (sameId !== null && sameId.incidentId !== id) throw entryIdTaken(sameId.id);
  // A retried request (same id): answer with what was recorded, publish nothing again.
  const earlier = body.id === undefined ? undefined : known.find((entry) => entry.id === body.id);
  if (earlier) return { status: 200, entry: earlier, incident };
  const record: TimelineEntryRecordV1 = {
    schema: TIMELINE_ENTRY_SCHEMA_NAME,
    id: body.id ?? randomUUID(),
    incidentId: id,
    kind: body.kind,
    at: at.toISOString(),
    recordedAt: now.toISOString(),
    author: body.author,
    text: body.text,
    to: body.to ?? null,
  };
  // On the bus first: once it is there, every recorder instance and any rebuild will have it.
  await deps.publishEntry(record, parent);
  const applied = await applyTimelineEntry(store, record);
  observeMoments(metrics, applied);
  const stored = (await store.entries(id)).find((entry) => entry.id === record.id);
  if (!stored) {
    // Another request took this id for another incident between our check and our write.
    if ((await store.entry(record.id)) !== null) throw entryIdTaken(record.id);
    throw new Error(`entry ${record.id} was not stored`);
  }
  logger.info('timeline entry added', { incidentId: id, kind: record.kind, entryId: record.id });
  // Created either way: the consumer may have stored it from the bus a moment before we did.
  return { status: 201, entry: stored, incident: (await store.incident(id)) ?? incident };
}
