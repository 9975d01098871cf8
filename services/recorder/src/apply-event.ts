import { incidentEventFromRecord } from '@sitrep/codec';
import type { IncidentEventRecordV1 } from '@sitrep/contracts';
import { summariseIncidents, type IncidentSummary } from '@sitrep/domain';
import { StoreError, type IncidentRow, type IncidentStore, type StoredEvent } from '@sitrep/store';

export type ApplyOutcome =
  /** Stored, and the incident now reflects it (and any later events that were waiting for it). */
  | 'applied'
  /** Already stored: a redelivery, ignored. */
  | 'duplicate'
  /** Stored, but an earlier event of the incident is still missing: applied once that arrives. */
  | 'waiting';

function stored(record: IncidentEventRecordV1): StoredEvent {
  return {
    id: record.id,
    incidentId: record.incidentId,
    sequence: record.sequence,
    type: record.type,
    occurredAt: new Date(record.occurredAt),
    payload: JSON.stringify(record),
  };
}

/** The incident row for the summary of events 1..n; times from the events, so a rebuild is identical. */
function rowOf(summary: IncidentSummary, updatedAt: Date): IncidentRow {
  return {
    id: summary.id,
    status: summary.status,
    services: summary.services,
    severity: summary.severity,
    startedAt: summary.startedAt,
    detectedAt: summary.detectedAt,
    resolvedAt: summary.resolvedAt,
    lastSequence: summary.sequence,
    summary: JSON.stringify(summary),
    updatedAt,
  };
}

/**
 * Applies one incident event. The events table is the log of everything received; the incident
 * row is the fold of its gap-free prefix (sequences 1..n). An event that arrives before one it
 * follows is kept and counted as waiting, and applied with the missing one: nothing is dropped,
 * and the outcome is the same in any arrival order. Safe to repeat (event ids).
 */
export async function applyIncidentEvent(store: IncidentStore, record: IncidentEventRecordV1): Promise<ApplyOutcome> {
  const known = await store.events(record.incidentId);
  const same = known.find((event) => event.sequence === record.sequence);
  if (same) {
    if (same.id === record.id) return 'duplicate';
    throw new StoreError(
      `incident ${record.incidentId} already has event ${record.sequence} with another id (${same.id}, not ${record.id})`,
      'conflict',
    );
  }
  const bySequence = new Map(known.map((event) => [event.sequence, event]));
  bySequence.set(record.sequence, stored(record));
  const prefix: StoredEvent[] = [];
  for (let sequence = 1; bySequence.has(sequence); sequence += 1) prefix.push(bySequence.get(sequence) as StoredEvent);
  if (!prefix.some((event) => event.id === record.id)) {
    return (await store.recordEvent(stored(record), null)) ? 'waiting' : 'duplicate';
  }
  const events = prefix.map((event) => incidentEventFromRecord(JSON.parse(event.payload) as IncidentEventRecordV1));
  const [summary] = summariseIncidents(events);
  if (!summary) throw new Error(`no incident in events of ${record.incidentId}`);
  const updatedAt = new Date(Math.max(...prefix.map((event) => event.occurredAt.getTime())));
  return (await store.recordEvent(stored(record), rowOf(summary, updatedAt))) ? 'applied' : 'duplicate';
}
