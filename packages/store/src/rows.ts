import type { EntryRow, IncidentFilter, IncidentRow, StoredEvent } from './store.js';
import { StoreError } from './store.js';
import { SQL } from './schema.js';

/** Values as both drivers take them: numbers for times, strings for the rest. */
export type SqlValue = string | number | null;

// Services are stored as ",auth-lb,auth," so "contains service X" is one LIKE on any database.
export const servicesColumn = (services: readonly string[]): string => `,${services.join(',')},`;

export function eventParams(event: StoredEvent): SqlValue[] {
  return [event.id, event.incidentId, event.sequence, event.type, event.occurredAt.getTime(), event.payload];
}

export function incidentParams(row: IncidentRow): SqlValue[] {
  return [
    row.id,
    row.status,
    servicesColumn(row.services),
    row.severity,
    row.startedAt.getTime(),
    row.detectedAt.getTime(),
    row.resolvedAt?.getTime() ?? null,
    row.lastSequence,
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

export function incidentFromRow(row: Raw): IncidentRow {
  return {
    id: String(row.id),
    status: row.status === 'resolved' ? 'resolved' : 'open',
    services: String(row.services)
      .split(',')
      .filter((service) => service !== ''),
    severity: String(row.severity),
    startedAt: new Date(num(row.started_at)),
    detectedAt: new Date(num(row.detected_at)),
    resolvedAt: row.resolved_at === null ? null : new Date(num(row.resolved_at)),
    lastSequence: num(row.last_sequence),
    summary: String(row.summary),
    updatedAt: new Date(num(row.updated_at)),
  };
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

/** Newest first by impact start, then id: a stable order for cursor paging. */
export function listQuery(filter: IncidentFilter): { sql: string; params: SqlValue[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (filter.status) {
    where.push('status = ?');
    params.push(filter.status);
  }
  if (filter.service) {
    where.push('services LIKE ?');
    params.push(`%,${filter.service.replace(/[%_]/g, '')},%`);
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

export function encodeCursor(row: IncidentRow): string {
  return Buffer.from(JSON.stringify([row.startedAt.getTime(), row.id])).toString('base64url');
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const [startedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof startedAt === 'number' && typeof id === 'string') return [startedAt, id];
  } catch {
    // fall through
  }
  throw new StoreError('the cursor is not one this API returned', 'invalid_cursor');
}

/** One page from `limit + 1` rows: the extra row only tells whether there is a next page. */
export function toPage(rows: IncidentRow[], limit: number): { incidents: IncidentRow[]; nextCursor: string | null } {
  const incidents = rows.slice(0, limit);
  const last = incidents.at(-1);
  return { incidents, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
