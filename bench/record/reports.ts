// Reads over 100,000 stored incidents: GET /api/v1/reports/reliability over HTTP against the
// recorder's real app, and the first page of listIncidents.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { EmbeddedBus } from '@sitrep/bus';
import { incidentEventRecord } from '@sitrep/codec';
import { EnvReader } from '@sitrep/config';
import {
  foldIncident,
  incidentDurations,
  reliabilityReport,
  type IncidentEvent,
  type ReportedIncident,
  type Severity,
} from '@sitrep/domain';
import { alertValueImpact, loadRecorderConfig, startRecorder } from '@sitrep/recorder';
import type { BatchWrite, IncidentFilter, IncidentRow, IncidentStore } from '@sitrep/store';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';

const DAY = 86_400_000;
const MINUTE = 60_000;
export const REPORT_END = Date.parse('2026-11-22T00:00:00Z');
const SERVICES = Array.from({ length: 25 }, (_, index) => `svc-${index}`);

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so every run stores the same incidents. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * One incident as the recorder would store it: its `incident.opened` event and the row. Services
 * are skewed (svc-0 has about a quarter of the incidents, svc-24 a hundredth of that); a sixth
 * span two services; 25 % critical, 60 % warning, 15 % info; most acknowledged and mitigated,
 * nearly all resolved (the open ones are recent), half of those closed.
 */
function syntheticIncident(index: number, next: () => number): BatchWrite {
  const exponential = (mean: number) => -Math.log(1 - next()) * mean;
  const pick = () => SERVICES[Math.min(SERVICES.length - 1, Math.floor(exponential(4)))]!;
  const id = `inc-${index.toString(36).padStart(6, '0')}`;
  const service = pick();
  const other = pick();
  const services = next() < 1 / 6 && other !== service ? [service, other] : [service];
  const roll = next();
  const severity: Severity = roll < 0.25 ? 'critical' : roll < 0.85 ? 'warning' : 'info';
  const started = REPORT_END - next() * 90 * DAY;
  const detected = started + 30_000 + exponential(2 * MINUTE);
  const acknowledged = next() < 0.92 ? detected + 30_000 + exponential(6 * MINUTE) : null;
  const mitigated = next() < 0.75 ? detected + 2 * MINUTE + exponential(25 * MINUTE) : null;
  const stillOpen = REPORT_END - started < 2 * DAY && next() < 0.3;
  const resolved = stillOpen ? null : Math.max(mitigated ?? 0, started + 10 * MINUTE + exponential(60 * MINUTE));
  const closed = resolved !== null && next() < 0.5 ? resolved + exponential(DAY) : null;
  const date = (at: number | null) => (at === null ? null : new Date(Math.round(at)));

  const opened: IncidentEvent = {
    id: `${id}-1`,
    type: 'incident.opened',
    incidentId: id,
    sequence: 1,
    occurredAt: date(detected)!,
    data: { scope: service, service, severity, startedAt: date(started)!, detectedAt: date(detected)! },
  };
  const summary = {
    ...foldIncident(undefined, opened),
    services,
    signals: ['error_rate', 'latency'],
    status: resolved === null ? 'open' : 'resolved',
    resolvedAt: date(resolved),
    alertCount: 3,
  };
  const row: IncidentRow = {
    id,
    status: closed !== null ? 'closed' : resolved !== null ? 'resolved' : 'open',
    services,
    severity,
    startedAt: date(started)!,
    detectedAt: date(detected)!,
    acknowledgedAt: date(acknowledged),
    mitigatedAt: date(mitigated),
    resolvedAt: date(resolved),
    closedAt: date(closed),
    lastSequence: 1,
    revision: 1,
    summary: JSON.stringify(summary),
    updatedAt: date(Math.max(detected, acknowledged ?? 0, mitigated ?? 0, resolved ?? 0, closed ?? 0))!,
  };
  const event = {
    id: opened.id,
    incidentId: id,
    sequence: 1,
    type: opened.type,
    occurredAt: opened.occurredAt,
    payload: JSON.stringify(incidentEventRecord(opened)),
  };
  return { events: [event], incident: row, previous: null };
}

/** Stores `count` synthetic incidents over 90 days, 1,000 to a transaction (recordBatch). */
export async function fill(store: IncidentStore, count: number): Promise<number> {
  await store.migrate();
  const next = random(20261122);
  const started = performance.now();
  for (let offset = 0; offset < count; offset += 1000) {
    const writes = Array.from({ length: Math.min(1000, count - offset) }, (_, index) =>
      syntheticIncident(offset + index, next),
    );
    if ((await store.recordBatch(writes)) !== 'stored') throw new Error('fill: a batch was stale');
  }
  return (performance.now() - started) / 1000;
}

/**
 * What autovacuum leaves a table like after the 90 days it took to fill: its pages marked all
 * visible (so the covering index is read without visiting the table) and its statistics current.
 * A table filled seconds ago has neither, and every report would visit each row's page.
 */
export function vacuumAnalyze(url: string): void {
  const done = spawnSync('psql', [url, '-qc', 'VACUUM ANALYZE'], { encoding: 'utf8' });
  if (done.status !== 0) throw new Error(`VACUUM ANALYZE failed: ${done.error?.message ?? ''}${done.stderr}`);
}

export interface Timing {
  readonly runs: number;
  readonly p50: number;
  readonly p99: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** `runs` timed runs after one warm-up (with fewer than 100 runs, p99 is the slowest). */
export async function timed(runs: number, work: () => Promise<unknown>): Promise<Timing> {
  await work();
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { runs, p50: percentile(times, 50), p99: percentile(times, 99) };
}

export const RANGES = [30, 90] as const;
export const GROUPINGS = ['none', 'service', 'severity'] as const;
export const LIST_FILTERS: readonly (readonly [string, Omit<IncidentFilter, 'limit'>])[] = [
  ['service=svc-0 (the busiest)', { service: 'svc-0' }],
  ['service=svc-24, severity=critical (rare)', { service: 'svc-24', severity: 'critical' }],
  ['status=open', { status: 'open' }],
  ['severity=critical, last 7 days', { severity: 'critical', since: new Date(REPORT_END - 7 * DAY) }],
];

export interface Reads {
  /** `${days}/${groupBy}`: the API over HTTP, and the incidents it counted. */
  readonly api: Map<string, Timing & { incidents: number }>;
  /** The report as it was computed before reportedTimes (reportedIncidents + incidentDurations + report), 90 days. */
  readonly before: Timing;
  readonly lists: (Timing & { rows: number })[];
}

/**
 * Starts the recorder (its real HTTP app and server; an embedded bus with nothing on it, the clock
 * at the end of the 90 days) on the filled store and times the report over HTTP.
 */
export async function reads(store: IncidentStore, dataDir: string, runs: number): Promise<Reads> {
  const { logger } = createMemoryLogger('error');
  const token = randomBytes(24).toString('hex');
  const reader = new EnvReader({
    SITREP_DATA_DIR: dataDir,
    SITREP_RECORDER_PORT: '0',
    SITREP_UI: 'disabled',
    SITREP_API_TOKEN: token,
  });
  const config = loadRecorderConfig(reader);
  reader.finish();
  const bus = new EmbeddedBus({ path: join(dataDir, 'bus.sqlite'), logger });
  const now = new Date(REPORT_END);
  const recorder = await startRecorder({
    config,
    bus,
    store,
    clock: { now: () => now },
    logger,
    registry: createMetricsRegistry({ service: 'recorder', processMetrics: false }),
    impact: alertValueImpact,
  });
  try {
    await recorder.started;
    const api = new Map<string, Timing & { incidents: number }>();
    for (const days of RANGES) {
      for (const groupBy of GROUPINGS) {
        const url = `${recorder.url}/api/v1/reports/reliability?since=${days}d&groupBy=${groupBy}`;
        let body = '';
        const get = async () => {
          const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
          body = await response.text();
          if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${body}`);
        };
        const timing = await timed(runs, get);
        api.set(`${days}/${groupBy}`, { ...timing, incidents: (JSON.parse(body) as { incidents: number }).incidents });
      }
    }
    const since = new Date(REPORT_END - 90 * DAY);
    const before = await timed(Math.min(runs, 5), async () => {
      const rows = await store.reportedIncidents({ since, until: now });
      const incidents = rows.map((row): ReportedIncident => ({
        service: row.services[0] ?? '',
        severity: row.severity as Severity,
        durations: incidentDurations(row, now),
      }));
      return reliabilityReport(incidents, 'none');
    });
    const lists: (Timing & { rows: number })[] = [];
    for (const [, filter] of LIST_FILTERS) {
      let rows = 0;
      const timing = await timed(runs, async () => {
        rows = (await store.listIncidents({ ...filter, limit: 50 })).incidents.length;
      });
      lists.push({ ...timing, rows });
    }
    return { api, before, lists };
  } finally {
    await recorder.close();
    await bus.close();
  }
}
