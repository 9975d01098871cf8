// Recorder benchmark: incident events/s through the recorder's write path (applyIncidentEvent) on
// SQLite and PostgreSQL, with event streams made by the real correlator; then the reliability
// report and the incident list over 100,000 stored incidents on both. Prints figures; asserts
// nothing.
//
//   npm run bench:record        (node --expose-gc, starts its own PostgreSQL)
//   npm run bench:record -- --write-incidents 1000 --wide-alerts 200 --incidents 100000 --runs 10
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { incidentEventRecord } from '@sitrep/codec';
import type { IncidentEventRecordV1 } from '@sitrep/contracts';
import {
  changeId,
  Correlator,
  DEFAULT_CORRELATION_SETTINGS,
  DependencyMap,
  foldIncident,
  incidentDurations,
  reliabilityReport,
  type Alert,
  type Change,
  type IncidentEvent,
  type ReportedIncident,
  type Severity,
} from '@sitrep/domain';
import { applyIncidentEvent } from '@sitrep/recorder';
import {
  PostgresIncidentStore,
  SqliteIncidentStore,
  type IncidentFilter,
  type IncidentRow,
  type IncidentStore,
  type StoredEvent,
} from '@sitrep/store';
import { domainAlert, minute, startPostgres, type RunningPostgres } from '@sitrep/testkit';

const { values: args } = parseArgs({
  options: {
    // Incidents the correlator makes for the write path (about 13 events each).
    'write-incidents': { type: 'string', default: '1000' },
    // Alerts of the one wide incident (about 2 events each).
    'wide-alerts': { type: 'string', default: '200' },
    // Incidents stored for the report and list timings.
    incidents: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '10' },
  },
});
const writeIncidents = Number(args['write-incidents']);
const wideAlerts = Number(args['wide-alerts']);
const storedIncidents = Number(args.incidents);
const runs = Number(args.runs);

const DAY = 86_400_000;
const MINUTE = 60_000;

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc (npm run bench:record does)');
  collect();
  collect();
}

function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const ms = (value: number): string => (value < 10 ? value.toFixed(2) : value.toFixed(0));

// ---------------------------------------------------------------------------------------------
// Write path: incident event streams made by the real correlator.

type Input = { at: number; alert: Alert } | { at: number; change: Change };

/** Alerts firing at `received` and resolved at `ends` (their report received half a minute later). */
function firingAndResolved(
  inputs: Input[],
  labels: Record<string, string>,
  timing: { starts: number; received: number; ends: number },
  value?: string,
): void {
  const annotations = value === undefined ? {} : { value };
  const firing = domainAlert(labels, { starts: timing.starts, received: timing.received }, annotations);
  const resolved = domainAlert(labels, { ...timing, received: timing.ends + 0.5 }, annotations);
  inputs.push(
    { at: firing.receivedAt.getTime(), alert: firing },
    { at: resolved.receivedAt.getTime(), alert: resolved },
  );
}

/** The correlator's events for `inputs` in receipt order (as the alerts topic delivers them), as records. */
function correlate(correlator: Correlator, inputs: Input[]): IncidentEventRecordV1[] {
  inputs.sort((a, b) => a.at - b.at);
  const events: IncidentEvent[] = [];
  for (const input of inputs) {
    events.push(...('alert' in input ? correlator.applyAlert(input.alert) : correlator.applyChange(input.change)));
  }
  events.push(...correlator.tick(new Date(inputs.at(-1)!.at + DAY)));
  return events.map(incidentEventRecord);
}

/**
 * `count` incidents as a fleet makes them, one every 1.5 minutes over 100 services (so a few dozen
 * are open at once and their events interleave): a balancer imbalance on `svc-N-lb` (warning),
 * then errors (critical, so the severity rises) and latency on `svc-N` behind it, a second erroring
 * instance for half of them and a deploy shortly before for a third; everything resolves 15 to 55
 * minutes later and the incident resolves after the quiet period.
 */
function fleetRecords(count: number): IncidentEventRecordV1[] {
  const services = 100;
  const dependencies = new DependencyMap(
    Array.from({ length: services }, (_, index) => [`svc-${index}-lb`, `svc-${index}`] as const),
  );
  const inputs: Input[] = [];
  for (let index = 0; index < count; index += 1) {
    const service = `svc-${index % services}`;
    const t = index * 1.5;
    const end = t + 15 + ((index * 7) % 41);
    if (index % 3 === 0) {
      const at = minute(t - 4);
      const summary = `deploy ${service} build ${index}`;
      inputs.push({
        at: at.getTime(),
        change: {
          id: changeId(service, 'deploy', at, summary),
          service,
          kind: 'deploy',
          summary,
          at,
          labels: {},
          link: null,
          receivedAt: at,
        },
      });
    }
    const lb = { alertname: 'BackendLoadImbalance', service: `${service}-lb`, severity: 'warning' };
    firingAndResolved(inputs, { ...lb, instance: `${service}-lb-0` }, { starts: t, received: t + 1, ends: end });
    const errors = { alertname: 'HighErrorRate', service, severity: 'critical', instance: `${service}-0` };
    firingAndResolved(inputs, errors, { starts: t + 2, received: t + 2.5, ends: end - 1 }, '0.31');
    const latency = { alertname: 'HighLatencyP99', service, severity: 'warning', instance: `${service}-0` };
    firingAndResolved(inputs, latency, { starts: t + 3, received: t + 3.5, ends: end });
    if (index % 2 === 0) {
      const more = { ...errors, instance: `${service}-1` };
      firingAndResolved(inputs, more, { starts: t + 3, received: t + 4, ends: end - 2 }, '0.24');
    }
  }
  return correlate(new Correlator({ ...DEFAULT_CORRELATION_SETTINGS, dependencies }), inputs);
}

/** One wide incident: `alerts` instances of one service erroring within minutes, all resolving an hour later. */
function wideIncidentRecords(alerts: number): IncidentEventRecordV1[] {
  const inputs: Input[] = [];
  for (let index = 0; index < alerts; index += 1) {
    const labels = { alertname: 'HighErrorRate', service: 'api', severity: 'critical', instance: `api-${index}` };
    const t = index * 0.05;
    firingAndResolved(inputs, labels, { starts: t, received: t + 0.5, ends: 60 + t }, '0.2');
  }
  return correlate(new Correlator(DEFAULT_CORRELATION_SETTINGS), inputs);
}

const describeStream = (records: readonly IncidentEventRecordV1[]): string => {
  const incidents = new Set(records.map((record) => record.incidentId)).size;
  const types = new Map<string, number>();
  for (const record of records) types.set(record.type, (types.get(record.type) ?? 0) + 1);
  const byType = [...types].map(([type, n]) => `${n} ${type.replace('incident.', '')}`).join(', ');
  return `${records.length} events of ${incidents} incident${incidents === 1 ? '' : 's'} (${byType})`;
};

interface WriteFigures {
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
}

/** Applies every record once, in order, one at a time: what one recorder partition does. */
async function writePath(store: IncidentStore, records: readonly IncidentEventRecordV1[]): Promise<WriteFigures> {
  await store.migrate();
  const latencies = new Float64Array(records.length);
  gc();
  const started = performance.now();
  for (const [index, record] of records.entries()) {
    const before = performance.now();
    const { outcome } = await applyIncidentEvent(store, record);
    latencies[index] = performance.now() - before;
    if (outcome !== 'applied') throw new Error(`event ${record.id}: ${outcome}, expected applied`);
  }
  const seconds = (performance.now() - started) / 1000;
  const counts = await store.counts();
  if (counts.events !== records.length) throw new Error(`stored ${counts.events} events of ${records.length}`);
  latencies.sort();
  return {
    events: records.length,
    eventsPerSecond: records.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

// ---------------------------------------------------------------------------------------------
// Reports: 100,000 synthetic incidents over 90 days.

const REPORT_END = Date.parse('2026-11-22T00:00:00Z');
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
 * One incident as the recorder would store it, written straight through the store port: its
 * `incident.opened` event and the row. Services are skewed (svc-0 has about a quarter of the
 * incidents, svc-24 a hundredth of that); a sixth span two services; 25 % critical, 60 % warning,
 * 15 % info; most acknowledged and mitigated, nearly all resolved (the open ones are recent), half
 * of those closed.
 */
function syntheticIncident(index: number, next: () => number): { event: StoredEvent; row: IncidentRow } {
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
  const record = incidentEventRecord(opened);
  return {
    event: {
      id: opened.id,
      incidentId: id,
      sequence: 1,
      type: opened.type,
      occurredAt: opened.occurredAt,
      payload: JSON.stringify(record),
    },
    row,
  };
}

/** Writes `count` incidents through `recordEvent`, `concurrency` transactions at a time. */
/**
 * The SQLite store's own connection (a private field). Filling is setup, not measured: it runs
 * with synchronous=OFF, else 100,000 commits wait for 100,000 fsyncs. Reads do not depend on it.
 */
function sqliteConnection(store: SqliteIncidentStore): DatabaseSync {
  const db = (store as unknown as { db?: unknown }).db;
  if (!(db instanceof DatabaseSync)) {
    throw new Error('SqliteIncidentStore keeps its connection elsewhere now: update bench/record/run.ts');
  }
  return db;
}

async function fill(store: IncidentStore, count: number, concurrency: number): Promise<number> {
  await store.migrate();
  const next = random(20261122);
  const incidents = Array.from({ length: count }, (_, index) => syntheticIncident(index, next));
  const sqlite = store instanceof SqliteIncidentStore ? sqliteConnection(store) : null;
  sqlite?.exec('PRAGMA synchronous = OFF');
  const started = performance.now();
  let cursor = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (cursor < incidents.length) {
        const { event, row } = incidents[cursor++]!;
        const written = await store.recordEvent(event, row);
        if (written !== 'stored') throw new Error(`incident ${row.id}: ${written}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  sqlite?.exec('PRAGMA synchronous = FULL');
  return seconds;
}

/** A report's incidents as GET /api/v1/reports/reliability reads them (incidents-router.ts, `reliability`). */
async function reportedIncidents(store: IncidentStore, since: Date, until: Date, now: Date) {
  const rows = await store.reportedIncidents({ since, until });
  return rows.map((row): ReportedIncident => ({
    service: row.services[0] ?? '',
    severity: row.severity as Severity,
    durations: incidentDurations(row, now),
  }));
}

interface Timing {
  readonly runs: number;
  readonly p50: number;
  readonly p99: number;
}

// At most `runs` runs after a warm-up, and none after the third once a case has taken
// CASE_BUDGET_MS; a case whose warm-up alone takes SINGLE_RUN_MS is not run again (that run counts).
const CASE_BUDGET_MS = 5_000;
const SINGLE_RUN_MS = 2_000;

async function timed<T>(work: () => Promise<T> | T): Promise<Timing & { result: T }> {
  gc();
  const warmUpStart = performance.now();
  let result = await work();
  const warmUp = performance.now() - warmUpStart;
  const times: number[] = [];
  if (warmUp > SINGLE_RUN_MS) {
    times.push(warmUp);
  } else {
    gc();
    const began = performance.now();
    while (times.length < runs && (times.length < 3 || performance.now() - began < CASE_BUDGET_MS)) {
      const started = performance.now();
      result = await work();
      times.push(performance.now() - started);
    }
  }
  times.sort((a, b) => a - b);
  return { runs: times.length, p50: percentile(times, 50), p99: percentile(times, 99), result };
}

const RANGES = [30, 90] as const;
const GROUPINGS = ['none', 'service', 'severity'] as const;
const LIST_FILTERS: readonly (readonly [string, Omit<IncidentFilter, 'limit'>])[] = [
  ['service=svc-0 (the busiest)', { service: 'svc-0' }],
  ['service=svc-24, severity=critical (rare)', { service: 'svc-24', severity: 'critical' }],
  ['status=open', { status: 'open' }],
  ['severity=critical, last 7 days', { severity: 'critical', since: new Date(REPORT_END - 7 * DAY) }],
];

interface Reads {
  readonly fillSeconds: number;
  /** Per range: reportedIncidents plus the durations, and the incidents it gave. */
  readonly reports: Map<number, Timing & { result: ReportedIncident[] }>;
  readonly lists: (Timing & { result: number })[];
}

async function reads(store: IncidentStore, concurrency: number): Promise<Reads> {
  const fillSeconds = await fill(store, storedIncidents, concurrency);
  const now = new Date(REPORT_END);
  const reports = new Map<number, Timing & { result: ReportedIncident[] }>();
  for (const days of RANGES) {
    reports.set(days, await timed(() => reportedIncidents(store, new Date(REPORT_END - days * DAY), now, now)));
  }
  const lists: (Timing & { result: number })[] = [];
  for (const [, filter] of LIST_FILTERS) {
    lists.push(await timed(async () => (await store.listIncidents({ ...filter, limit: 50 })).incidents.length));
  }
  return { fillSeconds, reports, lists };
}

// ---------------------------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'sitrep-bench-record-'));
let postgres: RunningPostgres | undefined;
const out = (line = '') => process.stdout.write(`${line}\n`);
const row = (cells: readonly (string | number)[]) => out(`| ${cells.join(' | ')} |`);
const timing = (t: Timing) => `${ms(t.p50)} / ${ms(t.p99)}`;
try {
  const streams = [
    ['fleet', fleetRecords(writeIncidents)],
    ['one wide incident', wideIncidentRecords(wideAlerts)],
  ] as const;
  out(`Node ${process.versions.node}, ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
  for (const [name, records] of streams) out(`${name}: ${describeStream(records)}`);

  postgres = await startPostgres();
  const stores: readonly (readonly [string, (database: string) => IncidentStore])[] = [
    ['SQLite', (database) => new SqliteIncidentStore(join(dir, `${database}.sqlite`))],
    ['PostgreSQL', (database) => new PostgresIncidentStore(postgres!.createDatabase(database))],
  ];

  const write: (readonly [string, string, WriteFigures])[] = [];
  for (const [storeName, open] of stores) {
    for (const [streamName, records] of streams) {
      const store = open(`write_${write.length}`);
      write.push([storeName, streamName, await writePath(store, records)]);
      await store.close();
    }
  }
  out();
  row(['store', 'stream', 'events', 'events/s', 'p50 ms/event', 'p99 ms/event']);
  row(['---', '---', '---:', '---:', '---:', '---:']);
  for (const [storeName, streamName, f] of write) {
    row([storeName, streamName, f.events, f.eventsPerSecond.toFixed(0), ms(f.p50), ms(f.p99)]);
  }

  const stored: (readonly [string, Reads])[] = [];
  for (const [storeName, open] of stores) {
    const store = open('report');
    // SQLite takes one write at a time; PostgreSQL is filled over 8 connections.
    stored.push([storeName, await reads(store, storeName === 'SQLite' ? 1 : 8)]);
    await store.close();
  }
  out();
  for (const [storeName, r] of stored) {
    out(
      `${storeName}: ${storedIncidents} incidents over 90 days stored in ${r.fillSeconds.toFixed(1)} s ` +
        `(${(storedIncidents / r.fillSeconds).toFixed(0)} incidents/s through recordEvent${
          storeName === 'SQLite' ? ', synchronous=OFF' : ', 8 connections'
        })`,
    );
  }

  // reliabilityReport does not depend on the store: timed once, on the rows the first store read.
  out();
  out('Reliability report (ms, p50 / p99; read = reportedIncidents + incidentDurations; API = read + report)');
  out();
  row([
    'range',
    'groupBy',
    'incidents',
    'groups',
    'reliabilityReport() (runs)',
    ...stored.flatMap(([storeName]) => [`${storeName} read (runs)`, `${storeName} API p50`]),
  ]);
  row(['---', '---', '---:', '---:', '---:', ...stored.flatMap(() => ['---:', '---:'])]);
  for (const days of RANGES) {
    const incidents = stored[0]![1].reports.get(days)!.result;
    for (const [storeName, r] of stored) {
      const count = r.reports.get(days)!.result.length;
      if (count !== incidents.length) throw new Error(`${storeName} read ${count} incidents, not ${incidents.length}`);
    }
    for (const groupBy of GROUPINGS) {
      const report = await timed(() => reliabilityReport(incidents, groupBy));
      row([
        `${days} days`,
        groupBy,
        incidents.length,
        report.result.length,
        `${timing(report)} (${report.runs})`,
        ...stored.flatMap(([, r]) => {
          const read = r.reports.get(days)!;
          return [`${timing(read)} (${read.runs})`, ms(read.p50 + report.p50)];
        }),
      ]);
    }
  }

  out();
  out('First page of GET /api/v1/incidents (limit 50), listIncidents (ms, p50 / p99)');
  out();
  row(['filter', 'rows', ...stored.map(([storeName]) => `${storeName} (runs)`)]);
  row(['---', '---:', ...stored.map(() => '---:')]);
  for (const [index, [label]] of LIST_FILTERS.entries()) {
    const lists = stored.map(([, r]) => r.lists[index]!);
    row([label, lists[0]!.result, ...lists.map((t) => `${timing(t)} (${t.runs})`)]);
  }
} finally {
  // pg's pool.end() resolves before its connections have closed; stopping the server at once
  // would make the closing connections emit an unhandled error.
  await delay(200);
  await postgres?.close();
  rmSync(dir, { recursive: true, force: true });
}
