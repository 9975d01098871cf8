import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import {
  countOpen,
  entryFromRow,
  entryParams,
  eventFromRow,
  eventParams,
  incidentFromRow,
  incidentParams,
  listQuery,
  namesNothing,
  reportedFromRow,
  reportedTimesFromArray,
  reportQuery,
  sameServices,
  serviceParams,
  StaleRow,
  storedCounts,
  waitingFromRow,
  toPage,
} from './rows.js';
import { migrationStatements, MIGRATIONS, SQL } from './schema.js';
import {
  StoreError,
  type BatchRead,
  type BatchReadRequest,
  type BatchWrite,
  type EntryRow,
  type IncidentFilter,
  type IncidentPage,
  type IncidentRow,
  type IncidentStore,
  type OpenIncidentCount,
  type ReportedRow,
  type ReportedTimes,
  type StoredEvent,
  type StoredIncidentState,
  type WaitingEvents,
  type WriteOutcome,
} from './store.js';

type Row = Record<string, unknown>;

const EVENTS_PER_INSERT = 50;
const INSERT_MANY_EVENTS = SQL.insertEvent.replace(
  /VALUES \([?, ]+\)/,
  `VALUES ${Array.from({ length: EVENTS_PER_INSERT }, () => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
);
/** The stored events among ids given as one JSON array. */
const STORED_EVENTS_OF_JSON =
  'SELECT id, incident_id, sequence FROM incident_events WHERE id IN (SELECT value FROM json_each(?))';

/** The embedded store: one SQLite file (WAL, synchronous=FULL) under the data directory. */
export class SqliteIncidentStore implements IncidentStore {
  readonly kind = 'sqlite';
  private readonly db: DatabaseSync;
  /** Compiled once per statement text: compiling costs more than running most of them. */
  private readonly statements = new Map<string, StatementSync>();

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
  }

  private prepared(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  migrate(): Promise<void> {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    const applied = new Set(
      (this.db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((row) => Number(row.version)),
    );
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      this.transaction(() => {
        for (const statement of migrationStatements(migration, 'sqlite')) this.db.exec(statement);
        this.db
          .prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)')
          .run(migration.version, Date.now());
      });
    }
    return Promise.resolve();
  }

  private transaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /**
   * Writes the row unless it is stale; throws StaleRow to roll the transaction back. The
   * incident's services entries are rewritten unless `previous` (the stored row, as the revision
   * check proves) had the same services and start.
   */
  private writeIncident(incident: IncidentRow | null, previous?: IncidentRow | null): void {
    if (!incident) return;
    if (Number(this.prepared(SQL.upsertIncident).run(...incidentParams(incident)).changes) === 0) {
      throw new StaleRow();
    }
    if (previous !== undefined && previous !== null && sameServices(previous, incident)) return;
    this.prepared(SQL.deleteServices).run(incident.id);
    const insert = this.prepared(SQL.insertService);
    for (const params of serviceParams(incident)) insert.run(...params);
  }

  private write(work: () => WriteOutcome): Promise<WriteOutcome> {
    try {
      return Promise.resolve(this.transaction(work));
    } catch (error) {
      if (error instanceof StaleRow) return Promise.resolve('stale');
      if (/UNIQUE constraint failed: incident_events.incident_id/.test((error as Error).message)) {
        return Promise.reject(
          new StoreError('an incident already has a different event with this sequence', 'conflict', { cause: error }),
        );
      }
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  recordEvent(event: StoredEvent, incident: IncidentRow | null): Promise<WriteOutcome> {
    return this.write(() => {
      if (Number(this.prepared(SQL.insertEvent).run(...eventParams(event)).changes) === 0) return 'duplicate';
      this.writeIncident(incident);
      return 'stored';
    });
  }

  async recordBatch(writes: readonly BatchWrite[]): Promise<'stored' | 'stale'> {
    const outcome = await this.write(() => {
      // Every event was read as not stored: one that is now was written by someone else.
      const events = writes.flatMap((write) => write.events);
      if (this.insertEvents(events) !== events.length) throw new StaleRow();
      for (const { incident, previous } of writes) this.writeIncident(incident, previous);
      return 'stored';
    });
    return outcome === 'stale' ? 'stale' : 'stored';
  }

  /**
   * Inserts events EVENTS_PER_INSERT to a statement (the rest one at a time); returns how many
   * were new. One statement per event cost twice as much per row as the insert itself.
   */
  private insertEvents(events: readonly StoredEvent[]): number {
    let inserted = 0;
    let index = 0;
    if (events.length >= EVENTS_PER_INSERT) {
      const many = this.prepared(INSERT_MANY_EVENTS);
      for (; index + EVENTS_PER_INSERT <= events.length; index += EVENTS_PER_INSERT) {
        const params = events.slice(index, index + EVENTS_PER_INSERT).flatMap(eventParams);
        inserted += Number(many.run(...params).changes);
      }
    }
    const one = this.prepared(SQL.insertEvent);
    for (const event of events.slice(index)) inserted += Number(one.run(...eventParams(event)).changes);
    return inserted;
  }

  readForBatch(request: BatchReadRequest): Promise<BatchRead> {
    const incidents = new Map<string, StoredIncidentState>();
    const incident = this.prepared(SQL.incident);
    for (const id of request.incidentIds) {
      const found = incident.get(id) as Row | undefined;
      const row = found ? incidentFromRow(found) : null;
      const full = request.full.has(id);
      const events = (
        full || !row ? this.prepared(SQL.events).all(id) : this.prepared(SQL.eventsAfter).all(id, row.lastSequence)
      ) as Row[];
      incidents.set(id, {
        row,
        events: events.map(eventFromRow),
        entries: full ? (this.prepared(SQL.entries).all(id) as Row[]).map(entryFromRow) : null,
      });
    }
    const storedEvents = new Map<string, { incidentId: string; sequence: number }>();
    if (request.eventIds.length > 0) {
      // One statement for the whole batch's ids rather than a lookup per event.
      const found = this.prepared(STORED_EVENTS_OF_JSON).all(JSON.stringify(request.eventIds)) as Row[];
      for (const row of found) {
        storedEvents.set(String(row.id), { incidentId: String(row.incident_id), sequence: Number(row.sequence) });
      }
    }
    return Promise.resolve({ incidents, storedEvents });
  }

  events(incidentId: string): Promise<StoredEvent[]> {
    if (namesNothing(incidentId)) return Promise.resolve([]);
    return Promise.resolve((this.prepared(SQL.events).all(incidentId) as Row[]).map(eventFromRow));
  }

  incident(id: string): Promise<IncidentRow | null> {
    if (namesNothing(id)) return Promise.resolve(null);
    const row = this.prepared(SQL.incident).get(id) as Row | undefined;
    return Promise.resolve(row ? incidentFromRow(row) : null);
  }

  listIncidents(filter: IncidentFilter): Promise<IncidentPage> {
    try {
      if (namesNothing(filter.service)) return Promise.resolve({ incidents: [], nextCursor: null });
      const { sql, params } = listQuery(filter);
      const rows = (this.prepared(sql).all(...params) as Row[]).map(incidentFromRow);
      return Promise.resolve(toPage(rows, filter.limit));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  addEntry(entry: EntryRow, incident: IncidentRow | null): Promise<WriteOutcome> {
    return this.write(() => {
      if (Number(this.prepared(SQL.insertEntry).run(...entryParams(entry)).changes) === 0) return 'duplicate';
      this.writeIncident(incident);
      return 'stored';
    });
  }

  entries(incidentId: string): Promise<EntryRow[]> {
    if (namesNothing(incidentId)) return Promise.resolve([]);
    return Promise.resolve((this.prepared(SQL.entries).all(incidentId) as Row[]).map(entryFromRow));
  }

  entry(id: string): Promise<EntryRow | null> {
    if (namesNothing(id)) return Promise.resolve(null);
    const row = this.prepared(SQL.entry).get(id) as Row | undefined;
    return Promise.resolve(row ? entryFromRow(row) : null);
  }

  reportedIncidents(range: { since?: Date; until?: Date }): Promise<ReportedRow[]> {
    const { sql, params } = reportQuery(range);
    return Promise.resolve((this.prepared(sql).all(...params) as Row[]).map(reportedFromRow));
  }

  reportedTimes(range: { since?: Date; until?: Date }): Promise<ReportedTimes[]> {
    const { sql, params } = reportQuery(range, SQL.selectReportTimes);
    const statement = this.db.prepare(sql);
    statement.setReturnArrays(true);
    return Promise.resolve((statement.all(...params) as unknown as unknown[][]).map(reportedTimesFromArray));
  }

  openIncidentCounts(): Promise<OpenIncidentCount[]> {
    return Promise.resolve(countOpen(this.prepared(SQL.openIncidents).all() as Row[]));
  }

  waitingEvents(): Promise<WaitingEvents> {
    return Promise.resolve(waitingFromRow(this.prepared(SQL.waitingEvents).get() as Row | undefined));
  }

  counts(): Promise<{ events: number; incidents: number; entries: number }> {
    return Promise.resolve(storedCounts(this.prepared(SQL.counts).get() as Row | undefined));
  }

  close(): Promise<void> {
    this.statements.clear();
    this.db.close();
    return Promise.resolve();
  }
}
