import pg from 'pg';
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
  type SqlValue,
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

/** `?` placeholders (shared with SQLite) as PostgreSQL's `$1, $2...`. */
function numbered(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

/**
 * Each statement text gets a name, so every connection parses and plans it once (a named
 * prepared statement) instead of on every call; texts are a fixed set (lists combine filters).
 */
const statementNames = new Map<string, { name: string; text: string }>();
function namedStatement(sql: string): { name: string; text: string } {
  let named = statementNames.get(sql);
  if (!named) {
    named = { name: `sitrep_${statementNames.size}`, text: numbered(sql) };
    statementNames.set(sql, named);
  }
  return named;
}

const INCIDENT_ARRAY_TYPES = [
  'text',
  'text',
  'text',
  'text',
  'bigint',
  'bigint',
  'bigint',
  'bigint',
  'bigint',
  'bigint',
  'bigint',
  'bigint',
  'text',
  'bigint',
];
const unnestOf = (types: readonly string[]) =>
  `SELECT * FROM unnest(${types.map((type) => `?::${type}[]`).join(', ')})`;

// A batch writes each table in one statement: its rows as one array per column.
const BATCH_SQL = {
  // The events as one JSON document: JSON.stringify escapes the payloads natively, where an array
  // parameter per column had pg escape every quote of every payload in JavaScript.
  insertEvents: `INSERT INTO incident_events (id, incident_id, sequence, type, occurred_at, payload)
    SELECT id, incident_id, sequence, type, occurred_at, payload FROM json_to_recordset(?::json)
      AS r (id text, incident_id text, sequence bigint, type text, occurred_at bigint, payload text)
    ON CONFLICT (id) DO NOTHING`,
  upsertIncidents: SQL.upsertIncident.replace(/VALUES \([?, ]+\)/, unnestOf(INCIDENT_ARRAY_TYPES)),
  deleteServices: 'DELETE FROM incident_services WHERE incident_id = ANY(?::text[])',
  insertServices: `INSERT INTO incident_services (service, started_at, incident_id)
    ${unnestOf(['text', 'bigint', 'text'])} ON CONFLICT DO NOTHING`,
  incidents: `${SQL.selectIncidents} WHERE id = ANY(?::text[])`,
  // Every event of the incidents named second (or without a row), else those after the applied prefix.
  events: `SELECT e.id, e.incident_id, e.sequence, e.type, e.occurred_at, e.payload FROM incident_events e
    LEFT JOIN incidents i ON i.id = e.incident_id
    WHERE e.incident_id = ANY(?::text[]) AND (e.incident_id = ANY(?::text[]) OR i.id IS NULL OR e.sequence > i.last_sequence)
    ORDER BY e.incident_id, e.sequence`,
  entries: `SELECT id, incident_id, kind, at, recorded_at, author, text, escalated_to FROM timeline_entries
    WHERE incident_id = ANY(?::text[]) ORDER BY incident_id, at, recorded_at, id`,
  storedEvents: 'SELECT id, incident_id, sequence FROM incident_events WHERE id = ANY(?::text[])',
} as const;

/** Events as json_to_recordset reads them (BATCH_SQL.insertEvents). */
function eventsDocument(events: readonly StoredEvent[]): string {
  return JSON.stringify(
    events.map((event) => ({
      id: event.id,
      incident_id: event.incidentId,
      sequence: event.sequence,
      type: event.type,
      occurred_at: event.occurredAt.getTime(),
      payload: event.payload,
    })),
  );
}

/** Rows as one array per column, for unnest. */
function columns(rows: readonly (readonly SqlValue[])[], width: number): SqlValue[][] {
  const result = Array.from({ length: width }, () => new Array<SqlValue>(rows.length));
  rows.forEach((row, index) => {
    for (let column = 0; column < width; column += 1) (result[column] as SqlValue[])[index] = row[column] ?? null;
  });
  return result;
}

/** Type parsers that keep every value as the text the server sent. */
const AS_TEXT = { getTypeParser: () => (value: string) => value } as const;

// Any constant: serialises migrations across recorder instances starting at once.
const MIGRATION_LOCK = 727_274_001;

export interface PostgresStoreOptions {
  readonly maxConnections?: number;
  /** Longest wait for a connection (a new one, or a free one from the pool). */
  readonly connectTimeoutMs?: number;
  /** Longest a statement may run; the server cancels it after this. */
  readonly statementTimeoutMs?: number;
}

export const POSTGRES_DEFAULTS = { maxConnections: 10, connectTimeoutMs: 5_000, statementTimeoutMs: 10_000 } as const;

/**
 * SQLSTATEs that say "try again": the connection failed (class 08), the server is shutting down or
 * starting (57P0x), a statement ran out of time (57014) or waited too long for a lock (55P03), too
 * many connections (53300), a serialisation failure or deadlock (40001, 40P01), a session the
 * server ended for idling in its transaction too long, e.g. while this process was paused (25P03).
 */
const RETRIABLE_STATES = new Set(['57P01', '57P02', '57P03', '57014', '55P03', '53300', '40001', '40P01', '25P03']);

/** A SQLSTATE is five digits or capitals; anything else (ECONNREFUSED, none) is the network's. */
function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return code.startsWith('08') || RETRIABLE_STATES.has(code);
}

const unavailable = (error: unknown): StoreError =>
  new StoreError(`PostgreSQL unavailable: ${(error as Error).message}`, 'unavailable', { cause: error });

/** The production store: PostgreSQL through a connection pool. */
export class PostgresIncidentStore implements IncidentStore {
  readonly kind = 'postgres';
  private readonly pool: pg.Pool;

  constructor(connectionString: string, options: PostgresStoreOptions = {}) {
    const { maxConnections, connectTimeoutMs, statementTimeoutMs } = { ...POSTGRES_DEFAULTS, ...options };
    this.pool = new pg.Pool({
      connectionString,
      max: maxConnections,
      // Without these a database that stops answering (paused, partitioned, overloaded) holds every
      // request, and then every connection, forever; with them it costs a 503 and a retry.
      connectionTimeoutMillis: connectTimeoutMs,
      statement_timeout: statementTimeoutMs,
      idle_in_transaction_session_timeout: statementTimeoutMs * 2,
      // The server cancels a slow statement itself; this catches a server that cannot even do that.
      query_timeout: statementTimeoutMs + connectTimeoutMs,
      keepAlive: true,
    });
    // An idle connection that dies (a server restart, a failover) is dropped from the pool, and the
    // next query opens a new one. Without a listener that 'error' event would end the process.
    this.pool.on('error', () => undefined);
  }

  private async query(
    sql: string,
    params: readonly (SqlValue | SqlValue[])[] = [],
    client?: pg.PoolClient,
  ): Promise<pg.QueryResult<Record<string, unknown>>> {
    try {
      return await (client ?? this.pool).query<Record<string, unknown>>({
        ...namedStatement(sql),
        values: [...params],
      });
    } catch (error) {
      throw this.failure(error);
    }
  }

  /**
   * Rows as arrays in column order, every value as the server's text (or null): no object per
   * row, and no type parser per value. pg's parser for BIGINT tests each value against a regular
   * expression; over a 90-day report's 100,000 rows of five times that was a fifth of the read.
   */
  private async queryText(sql: string, params: readonly SqlValue[]): Promise<(string | null)[][]> {
    try {
      const result = await this.pool.query<(string | null)[]>({
        ...namedStatement(sql),
        values: [...params],
        rowMode: 'array',
        types: AS_TEXT,
      });
      return result.rows;
    } catch (error) {
      throw this.failure(error);
    }
  }

  /** What a failed query means: a sequence conflict, the database unavailable, or the error as it is. */
  private failure(error: unknown): unknown {
    const code = (error as { code?: string }).code;
    if (code === '23505' && /incident_events_incident_id_sequence_key/.test((error as Error).message)) {
      return new StoreError('an incident already has a different event with this sequence', 'conflict', {
        cause: error,
      });
    }
    if (isUnavailable(error)) return unavailable(error);
    return error;
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw unavailable(error);
    });
    let broken: Error | undefined;
    // The server may end a connection while it is checked out (its idle-in-transaction timeout
    // after this process was paused, a failover): the client then emits 'error', where the pool no
    // longer listens, and unheard that would end the process. The query on it fails anyway; the
    // connection is dropped, not handed to the next request.
    const lost = (error: Error): void => {
      broken ??= error;
    };
    client.on('error', lost);
    try {
      await client.query('BEGIN').catch((error: unknown) => {
        throw this.failure(error);
      });
      const result = await work(client);
      await client.query('COMMIT').catch((error: unknown) => {
        throw this.failure(error);
      });
      return result;
    } catch (error) {
      // A connection that timed out or failed is dropped (the server rolls back when it goes), not
      // handed to the next request, nor asked to roll back and waited for once more.
      if (error instanceof StoreError && error.code === 'unavailable') broken ??= error;
      else if (broken === undefined) await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', lost);
      client.release(broken);
    }
  }

  async migrate(): Promise<void> {
    await this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
      );
      const applied = new Set(
        (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
          (row) => row.version,
        ),
      );
      for (const migration of MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        for (const statement of migrationStatements(migration, 'postgres')) await client.query(statement);
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
          migration.version,
          Date.now(),
        ]);
      }
    });
  }

  private async write(
    insert: { sql: string; params: SqlValue[] },
    incident: IncidentRow | null,
  ): Promise<WriteOutcome> {
    try {
      return await this.transaction(async (client) => {
        if ((await this.query(insert.sql, insert.params, client)).rowCount === 0) return 'duplicate';
        if (incident) {
          if ((await this.query(SQL.upsertIncident, incidentParams(incident), client)).rowCount === 0) {
            throw new StaleRow();
          }
          await this.writeServices([incident], client);
        }
        return 'stored';
      });
    } catch (error) {
      if (error instanceof StaleRow) return 'stale';
      throw error;
    }
  }

  recordEvent(event: StoredEvent, incident: IncidentRow | null): Promise<WriteOutcome> {
    return this.write({ sql: SQL.insertEvent, params: eventParams(event) }, incident);
  }

  /** Rewrites the incident_services entries of these rows. */
  private async writeServices(rows: readonly IncidentRow[], client: pg.PoolClient): Promise<void> {
    if (rows.length === 0) return;
    await this.query(BATCH_SQL.deleteServices, [rows.map((row) => row.id)], client);
    await this.query(BATCH_SQL.insertServices, columns(rows.flatMap(serviceParams), 3), client);
  }

  async recordBatch(writes: readonly BatchWrite[]): Promise<'stored' | 'stale'> {
    const events = writes.flatMap((write) => write.events);
    const rows = writes.flatMap((write) => (write.incident ? [write.incident] : []));
    const moved = writes.flatMap(({ incident, previous }) =>
      incident && (previous === null || !sameServices(previous, incident)) ? [incident] : [],
    );
    try {
      return await this.transaction(async (client) => {
        // Every event was read as not stored: one that is now was written by someone else.
        if (events.length > 0) {
          const inserted = (await this.query(BATCH_SQL.insertEvents, [eventsDocument(events)], client)).rowCount;
          if (inserted !== events.length) throw new StaleRow();
        }
        if (rows.length > 0) {
          const written = (await this.query(BATCH_SQL.upsertIncidents, columns(rows.map(incidentParams), 14), client))
            .rowCount;
          if (written !== rows.length) throw new StaleRow();
        }
        await this.writeServices(moved, client);
        return 'stored' as const;
      });
    } catch (error) {
      if (error instanceof StaleRow) return 'stale';
      throw error;
    }
  }

  async readForBatch(request: BatchReadRequest): Promise<BatchRead> {
    const ids = [...request.incidentIds];
    const full = ids.filter((id) => request.full.has(id));
    const [rows, events, entries, stored] = await Promise.all([
      this.query(BATCH_SQL.incidents, [ids]),
      this.query(BATCH_SQL.events, [ids, full]),
      full.length === 0 ? null : this.query(BATCH_SQL.entries, [full]),
      request.eventIds.length === 0 ? null : this.query(BATCH_SQL.storedEvents, [[...request.eventIds]]),
    ]);
    const byId = new Map(rows.rows.map((row) => [String(row.id), incidentFromRow(row)]));
    const state = new Map<string, StoredIncidentState & { events: StoredEvent[]; entries: EntryRow[] | null }>(
      ids.map((id) => [id, { row: byId.get(id) ?? null, events: [], entries: request.full.has(id) ? [] : null }]),
    );
    for (const row of events.rows) state.get(String(row.incident_id))?.events.push(eventFromRow(row));
    for (const row of entries?.rows ?? []) state.get(String(row.incident_id))?.entries?.push(entryFromRow(row));
    const storedEvents = new Map<string, { incidentId: string; sequence: number }>();
    for (const row of stored?.rows ?? []) {
      storedEvents.set(String(row.id), { incidentId: String(row.incident_id), sequence: Number(row.sequence) });
    }
    return { incidents: state, storedEvents };
  }

  async events(incidentId: string): Promise<StoredEvent[]> {
    if (namesNothing(incidentId)) return [];
    return (await this.query(SQL.events, [incidentId])).rows.map(eventFromRow);
  }

  async incident(id: string): Promise<IncidentRow | null> {
    if (namesNothing(id)) return null;
    const row = (await this.query(SQL.incident, [id])).rows[0];
    return row ? incidentFromRow(row) : null;
  }

  async listIncidents(filter: IncidentFilter): Promise<IncidentPage> {
    if (namesNothing(filter.service)) return { incidents: [], nextCursor: null };
    const { sql, params } = listQuery(filter);
    return toPage((await this.query(sql, params)).rows.map(incidentFromRow), filter.limit);
  }

  addEntry(entry: EntryRow, incident: IncidentRow | null): Promise<WriteOutcome> {
    return this.write({ sql: SQL.insertEntry, params: entryParams(entry) }, incident);
  }

  async reportedIncidents(range: { since?: Date; until?: Date }): Promise<ReportedRow[]> {
    const { sql, params } = reportQuery(range);
    return (await this.query(sql, params)).rows.map(reportedFromRow);
  }

  async reportedTimes(range: { since?: Date; until?: Date }): Promise<ReportedTimes[]> {
    const { sql, params } = reportQuery(range, SQL.selectReportTimes);
    return (await this.queryText(sql, params)).map(reportedTimesFromArray);
  }

  async openIncidentCounts(): Promise<OpenIncidentCount[]> {
    return countOpen((await this.query(SQL.openIncidents)).rows);
  }

  async waitingEvents(): Promise<WaitingEvents> {
    return waitingFromRow((await this.query(SQL.waitingEvents)).rows[0]);
  }

  async counts(): Promise<{ events: number; incidents: number; entries: number }> {
    return storedCounts((await this.query(SQL.counts)).rows[0]);
  }

  async entries(incidentId: string): Promise<EntryRow[]> {
    if (namesNothing(incidentId)) return [];
    return (await this.query(SQL.entries, [incidentId])).rows.map(entryFromRow);
  }

  async entry(id: string): Promise<EntryRow | null> {
    if (namesNothing(id)) return null;
    const row = (await this.query(SQL.entry, [id])).rows[0];
    return row ? entryFromRow(row) : null;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
