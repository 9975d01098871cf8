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

/** The incident as lists and reports need it; `summary` holds the rest as JSON. */
export interface IncidentRow {
  readonly id: string;
  readonly status: 'open' | 'resolved';
  readonly services: readonly string[];
  readonly severity: string;
  readonly startedAt: Date;
  readonly detectedAt: Date;
  readonly resolvedAt: Date | null;
  /** Sequence of the last event applied: the next one to expect is this plus one. */
  readonly lastSequence: number;
  readonly summary: string;
  readonly updatedAt: Date;
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
  readonly status?: 'open' | 'resolved';
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
   * Stores an event and the incident's new row in one transaction (a null row leaves the row as
   * it is: an event kept until the ones before it arrive). False, and nothing written, when an
   * event with this id is already stored (a redelivery).
   */
  recordEvent(event: StoredEvent, incident: IncidentRow | null): Promise<boolean>;
  events(incidentId: string): Promise<StoredEvent[]>;
  incident(id: string): Promise<IncidentRow | null>;
  /** Newest first (by impact start). */
  listIncidents(filter: IncidentFilter): Promise<IncidentPage>;
  /** False when an entry with this id exists already. */
  addEntry(entry: EntryRow): Promise<boolean>;
  entries(incidentId: string): Promise<EntryRow[]>;
  close(): Promise<void>;
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
