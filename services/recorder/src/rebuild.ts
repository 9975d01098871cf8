import type { Bus } from '@sitrep/bus';
import { readIncidentEventRecord, readTimelineEntryRecord } from '@sitrep/codec';
import { topicNames } from '@sitrep/contracts';
import type { IncidentStore } from '@sitrep/store';
import { applyIncidentEvent, applyTimelineEntry, type ApplyOutcome } from './incident-writer.js';

export interface RebuildResult {
  readonly events: Readonly<Record<ApplyOutcome | 'unreadable', number>>;
  readonly entries: Readonly<Record<ApplyOutcome | 'unreadable', number>>;
  readonly incidents: number;
}

export class RebuildError extends Error {
  override readonly name = 'RebuildError';
}

const tally = () => ({ applied: 0, duplicate: 0, waiting: 0, unreadable: 0 });

/**
 * Re-reads the incidents and timeline-entries topics from the start into an empty store. The
 * rows it writes are the ones live recording wrote (every field comes from the records), so a
 * lost or corrupted database is restored from Kafka. Unreadable records are counted and skipped:
 * live recording sent them to the dead-letter topic already.
 */
export async function rebuild(bus: Bus, store: IncidentStore, topicPrefix: string): Promise<RebuildResult> {
  await store.migrate();
  const stored = await store.counts();
  if (stored.events + stored.entries + stored.incidents > 0) {
    throw new RebuildError(
      `the ${store.kind} store is not empty (${stored.incidents} incidents, ${stored.events} events, ${stored.entries} entries); ` +
        'point SITREP_RECORDER_SQLITE or SITREP_DATABASE_URL at an empty one',
    );
  }
  const topics = topicNames(topicPrefix);
  const events = tally();
  for (const message of await bus.readAll(topics.incidents)) {
    // Read as live recording reads them, so the rebuilt rows are the live ones.
    const read = readIncidentEventRecord(message);
    if (read.ok) events[(await applyIncidentEvent(store, read.value)).outcome] += 1;
    else events.unreadable += 1;
  }
  const entries = tally();
  for (const message of await bus.readAll(topics.entries)) {
    const read = readTimelineEntryRecord(message);
    if (read.ok) entries[(await applyTimelineEntry(store, read.value)).outcome] += 1;
    else entries.unreadable += 1;
  }
  return { events, entries, incidents: (await store.counts()).incidents };
}
