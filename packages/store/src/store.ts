/** An incident event as the recorder keeps it: the wire record, plus the fields it is found by. */
export interface StoredEvent {
  readonly id: string;
  readonly incidentId: string;
  readonly sequence: number;
  readonly type: string;
  readonly occurredAt: Date;
  /** The event record as JSON, exactly as read from the topic. */
  readonly payload: string;
}

/** An incident row's status, as stored (the recorder maps its IncidentStatus onto it). */
export const INCIDENT_ROW_STATUSES = ['open', 'resolving', 'resolved', 'closed'] as const;
export type IncidentRowStatus = (typeof INCIDENT_ROW_STATUSES)[number];

/**
 * The incident as lists and reports need it, with its moments as people's entries make them
 * (impact start, acknowledged, mitigated, resolved, closed); `summary` holds the rest as JSON.
 */
export interface IncidentRow {
  readonly id: string;
  readonly status: IncidentRowStatus;
  readonly services: readonly string[];
  readonly severity: string;
  readonly startedAt: Date;
  readonly detectedAt: Date;
  readonly acknowledgedAt: Date | null;
  readonly mitigatedAt: Date | null;
  readonly resolvedAt: Date | null;
  readonly closedAt: Date | null;
  /** Sequence of the last event applied: the next one to expect is this plus one. */
  readonly lastSequence: number;
  /**
   * Bumped by one on every write. A write must carry the stored revision plus one, else it is
   * `stale` (someone else wrote first): re-read and recompute. Keeps concurrent writers (several
   * recorder instances, the API and the consumer) from overwriting each other's changes.
   */
  readonly revision: number;
  readonly summary: string;
  readonly updatedAt: Date;
}

/** What a report needs of each incident, without the summary document. */
export type ReportedRow = Omit<IncidentRow, 'summary' | 'lastSequence' | 'revision' | 'updatedAt'>;

/**
 * What a reliability report reads of each incident, as epoch milliseconds: a report over 100,000
 * incidents would otherwise build half a million dates only to subtract them.
 */
export interface ReportedTimes {
  /** The incident's first service (where it was opened): a report counts it there. */
  readonly service: string;
  readonly severity: string;
  readonly startedAt: number;
  readonly detectedAt: number;
  readonly acknowledgedAt: number | null;
  readonly mitigatedAt: number | null;
  readonly resolvedAt: number | null;
}

/** What a batch of events needs to know of the incidents it touches, read at once. */
export interface BatchReadRequest {
  readonly incidentIds: readonly string[];
  /** Incidents whose every event and entry is wanted (the recorder holds no fold of them). */
  readonly full: ReadonlySet<string>;
  /** The batch's event ids: which of them are stored already. */
  readonly eventIds: readonly string[];
}

export interface StoredIncidentState {
  readonly row: IncidentRow | null;
  /**
   * In sequence order: every stored event of a `full` incident; of the others only those after
   * the row's last applied sequence (stored, waiting for one before them), or all when no row.
   */
  readonly events: StoredEvent[];
  /** People's entries; null unless `full`. */
  readonly entries: EntryRow[] | null;
}

export interface BatchRead {
  /** One per requested incident. */
  readonly incidents: ReadonlyMap<string, StoredIncidentState>;
  /** The requested event ids stored already, with their incident and sequence. */
  readonly storedEvents: ReadonlyMap<string, { readonly incidentId: string; readonly sequence: number }>;
}

/** One incident's part of a batch: its new events, and its new row (revision = the stored one + 1). */
export interface BatchWrite {
  readonly events: readonly StoredEvent[];
  /** Null leaves the row as it is (every event waits for one before it). */
  readonly incident: IncidentRow | null;
  /** The row as read for this batch (null: none); the new row is written only over exactly it. */
  readonly previous: IncidentRow | null;
}

export interface EntryRow {
  readonly id: string;
  readonly incidentId: string;
  readonly kind: string;
  readonly at: Date;
  readonly recordedAt: Date;
  readonly author: string;
  readonly text: string;
  readonly to: string | null;
}

export interface IncidentFilter {
  readonly status?: IncidentRowStatus;
  readonly service?: string;
  readonly severity?: string;
  /** Incidents that started at or after. */
  readonly since?: Date;
  /** Incidents that started before. */
  readonly until?: Date;
  readonly limit: number;
  /** From a previous page's `nextCursor`. */
  readonly cursor?: string;
}

export interface OpenIncidentCount {
  /** The incident's first service (where it was opened). */
  readonly service: string;
  readonly severity: string;
  readonly count: number;
}

/**
 * `stored`: written. `duplicate`: the event or entry id is stored already, nothing written.
 * `stale`: the incident row changed since it was read, nothing written (see IncidentRow.revision).
 */
export type WriteOutcome = 'stored' | 'duplicate' | 'stale';

export interface IncidentPage {
  readonly incidents: IncidentRow[];
  readonly nextCursor: string | null;
}

/**
 * Where the recorder keeps incidents: SQLite on one machine, PostgreSQL for production and
 * several recorder instances. Both pass one contract suite (store.contract.ts).
 */
export interface IncidentStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Applies pending schema migrations; safe to run from several instances at once. */
  migrate(): Promise<void>;
  /**
   * Stores an event and the incident's new row in one transaction. A null row leaves the row as
   * it is: an event kept until the ones before it arrive.
   */
  recordEvent(event: StoredEvent, incident: IncidentRow | null): Promise<WriteOutcome>;
  /**
   * Stores a batch's events and rows in one transaction (one disk flush): `stale` writes nothing
   * when any incident row changed since it was read. Throws StoreError `conflict` when an event
   * claims a sequence its incident has under another id, and writes nothing then either.
   */
  recordBatch(writes: readonly BatchWrite[]): Promise<'stored' | 'stale'>;
  /** What a batch of events touches, in as few round trips as the database allows. */
  readForBatch(request: BatchReadRequest): Promise<BatchRead>;
  events(incidentId: string): Promise<StoredEvent[]>;
  incident(id: string): Promise<IncidentRow | null>;
  /** Newest first (by impact start). */
  listIncidents(filter: IncidentFilter): Promise<IncidentPage>;
  /** Every incident that started in [since, until), for reports. */
  reportedIncidents(range: { readonly since?: Date; readonly until?: Date }): Promise<ReportedRow[]>;
  /** The same incidents as reportedIncidents, only what a reliability report reads (a covering index). */
  reportedTimes(range: { readonly since?: Date; readonly until?: Date }): Promise<ReportedTimes[]>;
  openIncidentCounts(): Promise<OpenIncidentCount[]>;
  /** Events stored but not applied yet: an event before them (or the incident's opening) is missing. */
  waitingEvents(): Promise<WaitingEvents>;
  /** Stores a person's entry and the incident's new row (null: incident not known yet) in one transaction. */
  addEntry(entry: EntryRow, incident: IncidentRow | null): Promise<WriteOutcome>;
  entries(incidentId: string): Promise<EntryRow[]>;
  /** The entry with this id, on whichever incident it was recorded (ids are unique store-wide). */
  entry(id: string): Promise<EntryRow | null>;
  /** How much is stored: a rebuild wants an empty store. */
  counts(): Promise<{ readonly events: number; readonly incidents: number; readonly entries: number }>;
  close(): Promise<void>;
}

export interface WaitingEvents {
  readonly count: number;
  /** The stream time of the oldest of them: how long the gap has been open, roughly. */
  readonly oldestOccurredAt: Date | null;
}

/** Failures of the store: `conflict` when two different events claim one incident sequence. */
export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    message: string,
    readonly code: 'conflict' | 'unavailable' | 'invalid_cursor',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
