import { hostname, userInfo } from 'node:os';
import { CliError, newEntryId, type RecorderClient } from './recorder-client.js';

/** `4m 30s`, `2h 05m`, `3d 04h`; `-` for a phase that has not happened. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d ${String(Math.floor((s % 86_400) / 3600)).padStart(2, '0')}h`;
}

/** `2026-11-22 03:04:05 CET` in the zone (the zone's abbreviation or offset says which it is). */
export function formatTime(iso: string | null, zone: string): string {
  if (iso === null) return '-';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    })
      .formatToParts(new Date(iso))
      .map((part) => [part.type, part.value]),
  ) as Record<string, string>;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${parts.timeZoneName}`;
}

export function checkZone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    throw new CliError(`--tz: ${zone} is not an IANA time zone (such as Europe/Berlin)`);
  }
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

const query = (params: Record<string, string | undefined>): string => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, value);
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
};
const incidentPath = (id: string) => `/api/v1/incidents/${encodeURIComponent(id)}`;

interface ListedIncident {
  id: string;
  status: string;
  severity: string;
  services: string[];
  startedAt: string;
  resolvedAt: string | null;
}

export interface ListOptions {
  readonly status?: string;
  readonly service?: string;
  readonly severity?: string;
  readonly since?: string;
  readonly until?: string;
  readonly limit?: string;
  readonly tz: string;
  readonly json: boolean;
}

export async function incidentsCommand(
  client: RecorderClient,
  options: ListOptions,
  now = new Date(),
): Promise<string[]> {
  const { status, service, severity, since, until, limit } = options;
  const page = (await client.get(`/api/v1/incidents${query({ status, service, severity, since, until, limit })}`)) as {
    incidents: ListedIncident[];
    nextCursor: string | null;
  };
  if (options.json) return page.incidents.map((incident) => JSON.stringify(incident));
  if (page.incidents.length === 0) return ['no incidents'];
  const rows = page.incidents.map((incident) => {
    const end = incident.resolvedAt === null ? now.getTime() : Date.parse(incident.resolvedAt);
    return [
      incident.id,
      incident.status,
      incident.severity,
      formatTime(incident.startedAt, options.tz),
      `${formatDuration((end - Date.parse(incident.startedAt)) / 1000)}${incident.resolvedAt === null ? '+' : ''}`,
      incident.services.join(', '),
    ];
  });
  const lines = table(['ID', 'STATUS', 'SEVERITY', 'STARTED', 'DURATION', 'SERVICES'], rows);
  if (page.nextCursor !== null) lines.push(`(more: narrow with --since/--status, or raise --limit)`);
  return lines;
}

interface Entry {
  at: string;
  kind: string;
  source: string;
  text: string;
  author: string | null;
}

export async function timelineCommand(
  client: RecorderClient,
  id: string,
  options: { tz: string; json: boolean },
): Promise<string[]> {
  const [timeline, incident] = await Promise.all([
    client.get(`${incidentPath(id)}/timeline`) as Promise<{ entries: Entry[] }>,
    client.get(incidentPath(id)) as Promise<{
      status: string;
      resolvesAt: string | null;
      severity: string;
      services: string[];
      durations: Record<string, number | null>;
    }>,
  ]);
  if (options.json) return timeline.entries.map((entry) => JSON.stringify(entry));
  const d = incident.durations;
  return [
    `${id}  ${incident.status}${incident.resolvesAt === null ? '' : ` (resolves at ${formatTime(incident.resolvesAt, options.tz)} unless an alert fires)`}  ${incident.severity}  ${incident.services.join(', ')}`,
    `detect ${formatDuration(d.timeToDetect)}  acknowledge ${formatDuration(d.timeToAcknowledge)}  mitigate ${formatDuration(d.timeToMitigate)}  resolve ${formatDuration(d.timeToResolve)}`,
    '',
    ...table(
      ['TIME', 'SOURCE', 'KIND', 'WHAT'],
      timeline.entries.map((entry) => [
        formatTime(entry.at, options.tz),
        entry.source,
        entry.kind,
        `${entry.text.replace(/\s+/g, ' ')}${entry.author === null ? '' : ` (${entry.author})`}`,
      ]),
    ),
  ];
}

export interface NoteOptions {
  readonly kind: string;
  readonly at?: string;
  readonly author?: string;
  readonly to?: string;
}

export async function noteCommand(client: RecorderClient, id: string, text: string, options: NoteOptions) {
  const author = options.author ?? `${userInfo().username}@${hostname()}`;
  const response = (await client.post(`${incidentPath(id)}/entries`, {
    id: newEntryId(),
    kind: options.kind,
    text,
    author,
    ...(options.at === undefined ? {} : { at: options.at }),
    ...(options.to === undefined ? {} : { to: options.to }),
  })) as { entry: { id: string; kind: string; at: string } };
  return [`recorded ${response.entry.kind} at ${response.entry.at} (${response.entry.id})`];
}

export async function postmortemCommand(client: RecorderClient, id: string, tz: string): Promise<string[]> {
  return [(await client.getText(`${incidentPath(id)}/postmortem${query({ tz })}`)).trimEnd()];
}

interface Stats {
  count: number;
  mean: number | null;
  median: number | null;
  p90: number | null;
}
interface Group {
  key: string;
  incidents: number;
  timeToDetect: Stats;
  timeToAcknowledge: Stats;
  timeToMitigate: Stats;
  timeToResolve: Stats;
}

export async function reportCommand(
  client: RecorderClient,
  options: { since?: string; until?: string; groupBy: string; json: boolean },
): Promise<string[]> {
  const report = (await client.get(
    `/api/v1/reports/reliability${query({ since: options.since, until: options.until, groupBy: options.groupBy })}`,
  )) as { incidents: number; groups: Group[] };
  if (options.json) return [JSON.stringify(report)];
  if (report.incidents === 0) return ['no incidents in this range'];
  const stat = (stats: Stats) =>
    stats.count === 0
      ? '-'
      : `${formatDuration(stats.mean)} / ${formatDuration(stats.median)} / ${formatDuration(stats.p90)}`;
  return [
    'mean / median / p90',
    ...table(
      [options.groupBy === 'none' ? 'ALL' : options.groupBy.toUpperCase(), 'INCIDENTS', 'MTTD', 'MTTA', 'MTTM', 'MTTR'],
      report.groups.map((group) => [
        group.key,
        String(group.incidents),
        stat(group.timeToDetect),
        stat(group.timeToAcknowledge),
        stat(group.timeToMitigate),
        stat(group.timeToResolve),
      ]),
    ),
  ];
}
