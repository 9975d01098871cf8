import type {
  EntryRow,
  IncidentFilter,
  IncidentRow,
  IncidentRowStatus,
  OpenIncidentCount,
  ReportedRow,
  StoredEvent,
  WaitingEvents,
} from './store.js';
import { INCIDENT_ROW_STATUSES, StoreError } from './store.js';
import { SQL } from './schema.js';

/** Values as both drivers take them: numbers for times, strings for the rest. */
export type SqlValue = string | number | null;

// Services are stored as ",auth-lb,auth," so "has service X" is one substring search for ",X,".
// A comma (and so the escape itself) inside a name is escaped, or `a,b` would read as two services.
const escapeService = (service: string): string => service.replaceAll('%', '%25').replaceAll(',', '%2C');
const unescapeService = (service: string): string =>
  service.replace(/%2C|%25/g, (code) => (code === '%2C' ? ',' : '%'));
export const servicesColumn = (services: readonly string[]): string => `,${services.map(escapeService).join(',')},`;

export function eventParams(event: StoredEvent): SqlValue[] {
  return [event.id, event.incidentId, event.sequence, event.type, event.occurredAt.getTime(), event.payload];
}

const epoch = (date: Date | null): number | null => date?.getTime() ?? null;

/** In the order of the incident columns (schema.ts INCIDENT_COLUMNS). */
export function incidentParams(row: IncidentRow): SqlValue[] {
  return [
    row.id,
    row.status,
    servicesColumn(row.services),
    row.severity,
    row.startedAt.getTime(),
    row.detectedAt.getTime(),
    epoch(row.acknowledgedAt),
    epoch(row.mitigatedAt),
    epoch(row.resolvedAt),
    epoch(row.closedAt),
    row.lastSequence,
    row.revision,
    row.summary,
    row.updatedAt.getTime(),
  ];
}

export function entryParams(entry: EntryRow): SqlValue[] {
  return [
    entry.id,
    entry.incidentId,
    entry.kind,
    entry.at.getTime(),
    entry.recordedAt.getTime(),
    entry.author,
    entry.text,
    entry.to,
  ];
}

type Raw = Record<string, unknown>;
const num = (value: unknown): number => Number(value);

export function eventFromRow(row: Raw): StoredEvent {
  return {
    id: String(row.id),
    incidentId: String(row.incident_id),
    sequence: num(row.sequence),
    type: String(row.type),
    occurredAt: new Date(num(row.occurred_at)),
    payload: String(row.payload),
  };
}

const optionalDate = (value: unknown): Date | null => (value === null ? null : new Date(num(value)));
const servicesOf = (value: unknown): string[] =>
  String(value)
    .split(',')
    .filter((service) => service !== '')
    .map(unescapeService);
const statusOf = (value: unknown): IncidentRowStatus =>
  INCIDENT_ROW_STATUSES.find((status) => status === value) ?? 'open';

export function reportedFromRow(row: Raw): ReportedRow {
  return {
    id: String(row.id),
    status: statusOf(row.status),
    services: servicesOf(row.services),
    severity: String(row.severity),
    startedAt: new Date(num(row.started_at)),
    detectedAt: new Date(num(row.detected_at)),
    acknowledgedAt: optionalDate(row.acknowledged_at),
    mitigatedAt: optionalDate(row.mitigated_at),
    resolvedAt: optionalDate(row.resolved_at),
    closedAt: optionalDate(row.closed_at),
  };
}

export function incidentFromRow(row: Raw): IncidentRow {
  return {
    ...reportedFromRow(row),
    lastSequence: num(row.last_sequence),
    revision: num(row.revision),
    summary: String(row.summary),
    updatedAt: new Date(num(row.updated_at)),
  };
}

/** Open incidents per (first service, severity), from their `services, severity` rows. */
export function countOpen(rows: readonly Raw[]): OpenIncidentCount[] {
  const counts = new Map<string, OpenIncidentCount>();
  for (const row of rows) {
    const service = servicesOf(row.services)[0] ?? '';
    const severity = String(row.severity);
    const key = JSON.stringify([service, severity]);
    counts.set(key, { service, severity, count: (counts.get(key)?.count ?? 0) + 1 });
  }
  return [...counts.values()];
}

export function waitingFromRow(row: Raw | undefined): WaitingEvents {
  const count = num(row?.count ?? 0);
  return { count, oldestOccurredAt: count === 0 ? null : optionalDate(row?.oldest ?? null) };
}

export function storedCounts(row: Raw | undefined): { events: number; incidents: number; entries: number } {
  return { events: num(row?.events ?? 0), incidents: num(row?.incidents ?? 0), entries: num(row?.entries ?? 0) };
}

/** Incidents that started in [since, until), for a report. */
export function reportQuery(range: { since?: Date; until?: Date }): { sql: string; params: SqlValue[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (range.since) {
    where.push('started_at >= ?');
    params.push(range.since.getTime());
  }
  if (range.until) {
    where.push('started_at < ?');
    params.push(range.until.getTime());
  }
  return { sql: `${SQL.selectReported}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`, params };
}

export function entryFromRow(row: Raw): EntryRow {
  return {
    id: String(row.id),
    incidentId: String(row.incident_id),
    kind: String(row.kind),
    at: new Date(num(row.at)),
    recordedAt: new Date(num(row.recorded_at)),
    author: String(row.author),
    text: String(row.text),
    to: typeof row.escalated_to === 'string' ? row.escalated_to : null,
  };
}

/**
 * PostgreSQL cannot hold NUL in text (it refuses such a parameter with an error), so no stored id
 * or service contains one: a lookup by such a value finds nothing, on either database.
 */
export const namesNothing = (...values: readonly (string | undefined)[]): boolean =>
  values.some((value) => value?.includes('\u0000') === true);

/**
 * How a database finds a substring, exactly: `instr` (SQLite) or `strpos` (PostgreSQL). Not LIKE,
 * whose `_` and `%` are wildcards (`users_db` would match `users-db`) and which SQLite compares
 * without case.
 */
export type SubstringFunction = 'instr' | 'strpos';

/** Newest first by impact start, then id: a stable order for cursor paging. */
export function listQuery(filter: IncidentFilter, substring: SubstringFunction): { sql: string; params: SqlValue[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (filter.status) {
    where.push('status = ?');
    params.push(filter.status);
  }
  if (filter.service) {
    where.push(`${substring}(services, ?) > 0`);
    params.push(servicesColumn([filter.service]));
  }
  if (filter.severity) {
    where.push('severity = ?');
    params.push(filter.severity);
  }
  if (filter.since) {
    where.push('started_at >= ?');
    params.push(filter.since.getTime());
  }
  if (filter.until) {
    where.push('started_at < ?');
    params.push(filter.until.getTime());
  }
  if (filter.cursor) {
    const [startedAt, id] = decodeCursor(filter.cursor);
    where.push('(started_at < ? OR (started_at = ? AND id < ?))');
    params.push(startedAt, startedAt, id);
  }
  const sql = `${SQL.selectIncidents} ${where.length > 0 ? `WHERE ${where.join(' AND ')} ` : ''}ORDER BY started_at DESC, id DESC LIMIT ?`;
  params.push(filter.limit + 1);
  return { sql, params };
}

/**
 * `<impact start, epoch ms>.<id, base64url UTF-8>`: a position in the list order. Any string of
 * this shape is one (it pages on from there), so the only invalid cursors are the misshapen ones;
 * the recorder's OpenAPI document states the same pattern.
 */
export function encodeCursor(row: IncidentRow): string {
  return `${row.startedAt.getTime()}.${Buffer.from(row.id, 'utf8').toString('base64url')}`;
}

const CURSOR = /^(-?[0-9]{1,15})\.([A-Za-z0-9_-]{0,1000})$/;

function decodeCursor(cursor: string): [number, string] {
  const match = CURSOR.exec(cursor);
  if (!match) throw new StoreError('the cursor is not one this API returned', 'invalid_cursor');
  // No stored id holds NUL (see namesNothing): paging from before it is paging from the prefix.
  const id =
    Buffer.from(match[2] ?? '', 'base64url')
      .toString('utf8')
      .split('\u0000')[0] ?? '';
  return [Number(match[1]), id];
}

/** One page from `limit + 1` rows: the extra row only tells whether there is a next page. */
export function toPage(rows: IncidentRow[], limit: number): { incidents: IncidentRow[]; nextCursor: string | null } {
  const incidents = rows.slice(0, limit);
  const last = incidents.at(-1);
  return { incidents, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

/** Thrown inside a transaction to roll it back when the incident row was written by someone else. */
export class StaleRow extends Error {
  override readonly name = 'StaleRow';
}
