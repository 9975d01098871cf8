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
  reportQuery,
  StaleRow,
  storedCounts,
  waitingFromRow,
  toPage,
  type SqlValue,
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

/** `?` placeholders (shared with SQLite) as PostgreSQL's `$1, $2...`. */
function numbered(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

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
    params: readonly SqlValue[] = [],
    client?: pg.PoolClient,
  ): Promise<pg.QueryResult<Record<string, unknown>>> {
    try {
      return await (client ?? this.pool).query<Record<string, unknown>>(numbered(sql), [...params]);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '23505' && /incident_events_incident_id_sequence_key/.test((error as Error).message)) {
        throw new StoreError('an incident already has a different event with this sequence', 'conflict', {
          cause: error,
        });
      }
      if (isUnavailable(error)) throw unavailable(error);
      throw error;
    }
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
      await this.query('BEGIN', [], client);
      const result = await work(client);
      await this.query('COMMIT', [], client);
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
        for (const statement of migration.statements) await client.query(statement);
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
        if (incident && (await this.query(SQL.upsertIncident, incidentParams(incident), client)).rowCount === 0) {
          throw new StaleRow();
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
    const { sql, params } = listQuery(filter, 'strpos');
    return toPage((await this.query(sql, params)).rows.map(incidentFromRow), filter.limit);
  }

  addEntry(entry: EntryRow, incident: IncidentRow | null): Promise<WriteOutcome> {
    return this.write({ sql: SQL.insertEntry, params: entryParams(entry) }, incident);
  }

  async reportedIncidents(range: { since?: Date; until?: Date }): Promise<ReportedRow[]> {
    const { sql, params } = reportQuery(range);
    return (await this.query(sql, params)).rows.map(reportedFromRow);
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
