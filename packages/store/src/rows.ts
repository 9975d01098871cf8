import type {
  EntryRow,
  IncidentFilter,
  IncidentRow,
  IncidentRowStatus,
  OpenIncidentCount,
  ReportedRow,
  ReportedTimes,
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

/** The first name of a services column (",a,b,"), unescaped only when it holds an escape. */
function firstService(column: string): string {
  const end = column.indexOf(',', 1);
  const first = end < 0 ? '' : column.slice(1, end);
  return first.includes('%') ? unescapeService(first) : first;
}

const optionalNumber = (value: unknown): number | null => (value === null ? null : Number(value));

/** A row of REPORT_TIME_COLUMNS, read as an array (no object per row, no date). */
export function reportedTimesFromArray(row: readonly unknown[]): ReportedTimes {
  return {
    service: firstService(String(row[0])),
    severity: String(row[1]),
    startedAt: Number(row[2]),
    detectedAt: Number(row[3]),
    acknowledgedAt: optionalNumber(row[4]),
    mitigatedAt: optionalNumber(row[5]),
    resolvedAt: optionalNumber(row[6]),
  };
}

/** Incidents that started in [since, until), for a report. */
export function reportQuery(
  range: { since?: Date; until?: Date },
  select: string = SQL.selectReported,
): { sql: string; params: SqlValue[] } {
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
  return { sql: `${select}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`, params };
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
 * Newest first by impact start, then id: a stable order for cursor paging. A service filter reads
 * incident_services (service, started_at, incident_id), whose start and id are the row's.
 */
export function listQuery(filter: IncidentFilter): { sql: string; params: SqlValue[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  const byService = filter.service !== undefined && filter.service !== '';
  const [row, start, id] = byService ? ['i.', 's.started_at', 's.incident_id'] : ['', 'started_at', 'id'];
  if (byService) {
    where.push('s.service = ?');
    params.push(filter.service ?? '');
  }
  if (filter.status) {
    where.push(`${row}status = ?`);
    params.push(filter.status);
  }
  if (filter.severity) {
    where.push(`${row}severity = ?`);
    params.push(filter.severity);
  }
  if (filter.since) {
    where.push(`${start} >= ?`);
    params.push(filter.since.getTime());
  }
  if (filter.until) {
    where.push(`${start} < ?`);
    params.push(filter.until.getTime());
  }
  if (filter.cursor) {
    const [startedAt, cursorId] = decodeCursor(filter.cursor);
    where.push(`(${start} < ? OR (${start} = ? AND ${id} < ?))`);
    params.push(startedAt, startedAt, cursorId);
  }
  const select = byService ? SQL.selectIncidentsOfService : SQL.selectIncidents;
  const sql = `${select} ${where.length > 0 ? `WHERE ${where.join(' AND ')} ` : ''}ORDER BY ${start} DESC, ${id} DESC LIMIT ?`;
  params.push(filter.limit + 1);
  return { sql, params };
}

/** Whether two rows of an incident have the same incident_services entries. */
export const sameServices = (a: IncidentRow, b: IncidentRow): boolean =>
  a.startedAt.getTime() === b.startedAt.getTime() &&
  a.services.length === b.services.length &&
  a.services.every((service, index) => service === b.services[index]);

/** The (service, started_at, incident_id) entries of a row, for incident_services. */
export const serviceParams = (row: IncidentRow): SqlValue[][] =>
  [...new Set(row.services)].map((service) => [service, row.startedAt.getTime(), row.id]);

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
