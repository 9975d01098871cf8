/**
 * Versioned migrations, one list for both databases: times are epoch milliseconds (BIGINT) and
 * documents JSON text, so the same statements run on SQLite and PostgreSQL. Append only: an
 * applied migration never changes.
 */
export const MIGRATIONS: readonly { readonly version: number; readonly statements: readonly string[] }[] = [
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
];

const INCIDENT_COLUMNS =
  'id, status, services, severity, started_at, detected_at, resolved_at, last_sequence, summary, updated_at';

export const SQL = {
  selectIncidents: `SELECT ${INCIDENT_COLUMNS} FROM incidents`,
  insertEvent: `INSERT INTO incident_events (id, incident_id, sequence, type, occurred_at, payload)
    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
  upsertIncident: `INSERT INTO incidents
    (id, status, services, severity, started_at, detected_at, resolved_at, last_sequence, summary, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET status = excluded.status, services = excluded.services,
      severity = excluded.severity, started_at = excluded.started_at, detected_at = excluded.detected_at,
      resolved_at = excluded.resolved_at, last_sequence = excluded.last_sequence,
      summary = excluded.summary, updated_at = excluded.updated_at`,
  events:
    'SELECT id, incident_id, sequence, type, occurred_at, payload FROM incident_events WHERE incident_id = ? ORDER BY sequence',
  incident: `SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = ?`,
  insertEntry: `INSERT INTO timeline_entries (id, incident_id, kind, at, recorded_at, author, text, escalated_to)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
  entries: `SELECT id, incident_id, kind, at, recorded_at, author, text, escalated_to FROM timeline_entries
    WHERE incident_id = ? ORDER BY at, recorded_at, id`,
} as const;
