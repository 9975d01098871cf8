import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
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
  reportQuery,
  StaleRow,
  storedCounts,
  waitingFromRow,
  toPage,
} from './rows.js';
import { MIGRATIONS, SQL } from './schema.js';
import {
  StoreError,
  type EntryRow,
  type IncidentFilter,
  type IncidentPage,
  type IncidentRow,
  type IncidentStore,
  type OpenIncidentCount,
  type ReportedRow,
  type StoredEvent,
  type WaitingEvents,
  type WriteOutcome,
} from './store.js';

type Row = Record<string, unknown>;

/** The embedded store: one SQLite file (WAL, synchronous=FULL) under the data directory. */
export class SqliteIncidentStore implements IncidentStore {
  readonly kind = 'sqlite';
  private readonly db: DatabaseSync;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
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
        for (const statement of migration.statements) this.db.exec(statement);
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

  /** Writes the row unless it is stale; throws StaleRow to roll the transaction back. */
  private writeIncident(incident: IncidentRow | null): void {
    if (incident && Number(this.db.prepare(SQL.upsertIncident).run(...incidentParams(incident)).changes) === 0) {
      throw new StaleRow();
    }
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
      if (Number(this.db.prepare(SQL.insertEvent).run(...eventParams(event)).changes) === 0) return 'duplicate';
      this.writeIncident(incident);
      return 'stored';
    });
  }

  events(incidentId: string): Promise<StoredEvent[]> {
    if (namesNothing(incidentId)) return Promise.resolve([]);
    return Promise.resolve((this.db.prepare(SQL.events).all(incidentId) as Row[]).map(eventFromRow));
  }

  incident(id: string): Promise<IncidentRow | null> {
    if (namesNothing(id)) return Promise.resolve(null);
    const row = this.db.prepare(SQL.incident).get(id) as Row | undefined;
    return Promise.resolve(row ? incidentFromRow(row) : null);
  }

  listIncidents(filter: IncidentFilter): Promise<IncidentPage> {
    try {
      if (namesNothing(filter.service)) return Promise.resolve({ incidents: [], nextCursor: null });
      const { sql, params } = listQuery(filter, 'instr');
      const rows = (this.db.prepare(sql).all(...params) as Row[]).map(incidentFromRow);
      return Promise.resolve(toPage(rows, filter.limit));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  addEntry(entry: EntryRow, incident: IncidentRow | null): Promise<WriteOutcome> {
    return this.write(() => {
      if (Number(this.db.prepare(SQL.insertEntry).run(...entryParams(entry)).changes) === 0) return 'duplicate';
      this.writeIncident(incident);
      return 'stored';
    });
  }

  entries(incidentId: string): Promise<EntryRow[]> {
    if (namesNothing(incidentId)) return Promise.resolve([]);
    return Promise.resolve((this.db.prepare(SQL.entries).all(incidentId) as Row[]).map(entryFromRow));
  }

  entry(id: string): Promise<EntryRow | null> {
    if (namesNothing(id)) return Promise.resolve(null);
    const row = this.db.prepare(SQL.entry).get(id) as Row | undefined;
    return Promise.resolve(row ? entryFromRow(row) : null);
  }

  reportedIncidents(range: { since?: Date; until?: Date }): Promise<ReportedRow[]> {
    const { sql, params } = reportQuery(range);
    return Promise.resolve((this.db.prepare(sql).all(...params) as Row[]).map(reportedFromRow));
  }

  openIncidentCounts(): Promise<OpenIncidentCount[]> {
    return Promise.resolve(countOpen(this.db.prepare(SQL.openIncidents).all() as Row[]));
  }

  waitingEvents(): Promise<WaitingEvents> {
    return Promise.resolve(waitingFromRow(this.db.prepare(SQL.waitingEvents).get() as Row | undefined));
  }

  counts(): Promise<{ events: number; incidents: number; entries: number }> {
    return Promise.resolve(storedCounts(this.db.prepare(SQL.counts).get() as Row | undefined));
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}
