/**
 * Versioned migrations, one list for both databases: times are epoch milliseconds (BIGINT) and
 * documents JSON text, so the same statements run on SQLite and PostgreSQL (a migration's
 * `sqlite` and `postgres` lists hold what they spell differently). Append only: an applied
 * migration never changes.
 */
export interface Migration {
  readonly version: number;
  readonly statements: readonly string[];
  /** Run after `statements`, on that database only: what the two spell differently. */
  readonly sqlite?: readonly string[];
  readonly postgres?: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE incident_events (
        id TEXT PRIMARY KEY,
        incident_id TEXT NOT NULL,
        sequence BIGINT NOT NULL,
        type TEXT NOT NULL,
        occurred_at BIGINT NOT NULL,
        payload TEXT NOT NULL,
        UNIQUE (incident_id, sequence)
      )`,
      `CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        services TEXT NOT NULL,
        severity TEXT NOT NULL,
        started_at BIGINT NOT NULL,
        detected_at BIGINT NOT NULL,
        resolved_at BIGINT,
        last_sequence BIGINT NOT NULL,
        summary TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      'CREATE INDEX incidents_by_start ON incidents (started_at, id)',
      `CREATE TABLE timeline_entries (
        id TEXT PRIMARY KEY,
        incident_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        at BIGINT NOT NULL,
        recorded_at BIGINT NOT NULL,
        author TEXT NOT NULL,
        text TEXT NOT NULL,
        escalated_to TEXT
      )`,
      'CREATE INDEX timeline_entries_by_incident ON timeline_entries (incident_id, at)',
    ],
  },
  {
    // People's entries set these moments; keeping them on the row makes reports one query.
    version: 2,
    statements: [
      'ALTER TABLE incidents ADD COLUMN acknowledged_at BIGINT',
      'ALTER TABLE incidents ADD COLUMN mitigated_at BIGINT',
      'ALTER TABLE incidents ADD COLUMN closed_at BIGINT',
      'ALTER TABLE incidents ADD COLUMN revision BIGINT NOT NULL DEFAULT 0',
      'CREATE INDEX incidents_by_status ON incidents (status, started_at)',
    ],
  },
  {
    // A service filter was a substring scan of every row (a rare service walked the whole table
    // for one page); this table makes it an index range scan, newest first. And a report read
    // every row through the table: the covering index holds all it reads, so it never leaves it.
    version: 3,
    statements: [
      `CREATE TABLE incident_services (
        service TEXT NOT NULL,
        started_at BIGINT NOT NULL,
        incident_id TEXT NOT NULL,
        PRIMARY KEY (service, started_at, incident_id)
      )`,
      'CREATE INDEX incident_services_by_incident ON incident_services (incident_id)',
    ],
    sqlite: [
      // Splits ",a,b," into its names (servicesColumn's escaping undone) for the incidents stored already.
      `WITH RECURSIVE split (id, started_at, rest, service) AS (
        SELECT id, started_at, substr(services, 2), NULL FROM incidents
        UNION ALL
        SELECT id, started_at, substr(rest, instr(rest, ',') + 1), substr(rest, 1, instr(rest, ',') - 1)
        FROM split WHERE rest <> ''
      )
      INSERT OR IGNORE INTO incident_services (service, started_at, incident_id)
      SELECT replace(replace(service, '%2C', ','), '%25', '%'), started_at, id FROM split
      WHERE service IS NOT NULL AND service <> ''`,
      `CREATE INDEX incidents_for_reports ON incidents
        (started_at, services, severity, detected_at, acknowledged_at, mitigated_at, resolved_at)`,
    ],
    postgres: [
      `INSERT INTO incident_services (service, started_at, incident_id)
      SELECT DISTINCT replace(replace(service, '%2C', ','), '%25', '%'), i.started_at, i.id
      FROM incidents i, unnest(string_to_array(i.services, ',')) AS service WHERE service <> ''`,
      `CREATE INDEX incidents_for_reports ON incidents (started_at)
        INCLUDE (services, severity, detected_at, acknowledged_at, mitigated_at, resolved_at)`,
    ],
  },
];

/** The statements of a migration for one database: the shared ones, then its own. */
export const migrationStatements = (migration: Migration, kind: 'sqlite' | 'postgres'): readonly string[] => [
  ...migration.statements,
  ...(migration[kind] ?? []),
];

const REPORT_COLUMNS =
  'id, status, services, severity, started_at, detected_at, acknowledged_at, mitigated_at, resolved_at, closed_at';
const INCIDENT_COLUMNS = `${REPORT_COLUMNS}, last_sequence, revision, summary, updated_at`;

/** The incident columns of `incidents i`, for a join. */
export const INCIDENT_COLUMNS_OF_I = INCIDENT_COLUMNS.split(', ')
  .map((column) => `i.${column}`)
  .join(', ');

/** In this order: what reportedTimes reads, all of it in the incidents_for_reports index. */
export const REPORT_TIME_COLUMNS =
  'services, severity, started_at, detected_at, acknowledged_at, mitigated_at, resolved_at';

export const SQL = {
  selectIncidents: `SELECT ${INCIDENT_COLUMNS} FROM incidents`,
  selectReported: `SELECT ${REPORT_COLUMNS} FROM incidents`,
  selectReportTimes: `SELECT ${REPORT_TIME_COLUMNS} FROM incidents`,
  // A list filtered by service walks that service's entries newest first.
  selectIncidentsOfService: `SELECT ${INCIDENT_COLUMNS_OF_I} FROM incident_services s
    JOIN incidents i ON i.id = s.incident_id`,
  deleteServices: 'DELETE FROM incident_services WHERE incident_id = ?',
  insertService: `INSERT INTO incident_services (service, started_at, incident_id) VALUES (?, ?, ?)
    ON CONFLICT DO NOTHING`,
  // The events of an incident after its applied prefix: waiting for one before them.
  eventsAfter: `SELECT id, incident_id, sequence, type, occurred_at, payload FROM incident_events
    WHERE incident_id = ? AND sequence > ? ORDER BY sequence`,
  insertEvent: `INSERT INTO incident_events (id, incident_id, sequence, type, occurred_at, payload)
    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
  // The WHERE makes it a compare-and-set on the revision: 0 rows changed means someone else wrote.
  upsertIncident: `INSERT INTO incidents (${INCIDENT_COLUMNS})
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET status = excluded.status, services = excluded.services,
      severity = excluded.severity, started_at = excluded.started_at, detected_at = excluded.detected_at,
      acknowledged_at = excluded.acknowledged_at, mitigated_at = excluded.mitigated_at,
      resolved_at = excluded.resolved_at, closed_at = excluded.closed_at, last_sequence = excluded.last_sequence,
      revision = excluded.revision, summary = excluded.summary, updated_at = excluded.updated_at
    WHERE incidents.revision = excluded.revision - 1`,
  events:
    'SELECT id, incident_id, sequence, type, occurred_at, payload FROM incident_events WHERE incident_id = ? ORDER BY sequence',
  incident: `SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = ?`,
  // Not yet resolved: a resolving incident's quiet period may still end in another alert.
  openIncidents: "SELECT services, severity FROM incidents WHERE status IN ('open', 'resolving')",
  insertEntry: `INSERT INTO timeline_entries (id, incident_id, kind, at, recorded_at, author, text, escalated_to)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
  entries: `SELECT id, incident_id, kind, at, recorded_at, author, text, escalated_to FROM timeline_entries
    WHERE incident_id = ? ORDER BY at, recorded_at, id`,
  entry: 'SELECT id, incident_id, kind, at, recorded_at, author, text, escalated_to FROM timeline_entries WHERE id = ?',
  // Stored but not applied: beyond its incident's gap-free prefix, or of an incident not opened yet.
  waitingEvents: `SELECT COUNT(*) AS count, MIN(e.occurred_at) AS oldest FROM incident_events e
    LEFT JOIN incidents i ON i.id = e.incident_id WHERE i.id IS NULL OR e.sequence > i.last_sequence`,
  counts: `SELECT (SELECT COUNT(*) FROM incident_events) AS events, (SELECT COUNT(*) FROM incidents) AS incidents,
    (SELECT COUNT(*) FROM timeline_entries) AS entries`,
} as const;
