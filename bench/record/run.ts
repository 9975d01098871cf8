// Recorder benchmark: the recorder service applying incident events from a pre-loaded incidents
// topic on a real Kafka broker (through the bus, its batch apply) on SQLite and PostgreSQL, with
// one event per transaction through the same bus as the anchor, for 10, 100 and 1,000 alerts an
// incident; then GET /api/v1/reports/reliability over HTTP and the incident list over 100,000
// stored incidents on both. Durable as in production: SQLite WAL with synchronous=FULL, PostgreSQL
// with fsync on. Prints figures and the issue-14 targets; asserts only that everything applied.
//
//   npm run bench:record                  (node --expose-gc; starts its own broker and PostgreSQL)
//   npm run bench:record -- --quick       (a few minutes, for bench:compare --quick)
//   npm run bench:record -- --cases 10,1000 --events 40000 --incidents 100000 --runs 20
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { PostgresIncidentStore, SqliteIncidentStore, type IncidentStore } from '@sitrep/store';
import {
  KAFKA_VERSION,
  startKafkaBroker,
  startPostgres,
  uniqueName,
  type KafkaBroker,
  type RunningPostgres,
} from '@sitrep/testkit';
import { preload, timeOnePerTransaction, timeRecorder, type Consumed, type StoreTarget } from './consume.ts';
import { fill, GROUPINGS, LIST_FILTERS, RANGES, reads, vacuumAnalyze, type Reads, type Timing } from './reports.ts';
import { describeStream, incidentStream } from './streams.ts';

const { values: args } = parseArgs({
  options: {
    // Alerts per incident, one case each.
    cases: { type: 'string', default: '10,100,1000' },
    // Events on the incidents topic per case (fewer with --quick).
    events: { type: 'string' },
    // How long the one-per-transaction anchor may run per case before it is stopped (0: no anchor).
    'anchor-seconds': { type: 'string' },
    // Incidents stored for the report and list timings.
    incidents: { type: 'string', default: '100000' },
    runs: { type: 'string' },
    // Each case consumed this many times per store (a fresh group and store each time): other work on
    // the two cores and their one disk moves a single round by half; the median and the range are printed.
    rounds: { type: 'string' },
    // Fewer events, a shorter anchor and fewer runs: a few minutes, for bench:compare --quick.
    quick: { type: 'boolean', default: false },
  },
});
const quick = args.quick;
const cases = args.cases.split(',').map(Number);
const eventsPerCase = Number(args.events ?? (quick ? 20_000 : 60_000));
const anchorMs = Number(args['anchor-seconds'] ?? (quick ? 5 : 20)) * 1000;
const storedIncidents = Number(args.incidents);
const runs = Number(args.runs ?? (quick ? 7 : 20));
const rounds = Number(args.rounds ?? (quick ? 1 : 3));

const TARGETS = { sqliteEventsPerSecond: 20_000, postgresEventsPerSecond: 10_000, reportP50Ms: 200 } as const;

const out = (line = '') => process.stdout.write(`${line}\n`);
const row = (cells: readonly (string | number)[]) => out(`| ${cells.join(' | ')} |`);
const ms = (value: number): string => (value < 10 ? value.toFixed(2) : value.toFixed(0));
const timing = (t: Timing) => `${ms(t.p50)} / ${ms(t.p99)}`;
const count = (value: number) => Math.round(value).toLocaleString('en');

type StoreName = 'SQLite' | 'PostgreSQL';
const STORES: readonly StoreName[] = ['SQLite', 'PostgreSQL'];

interface CaseFigures {
  readonly perIncident: number;
  readonly stream: string;
  readonly byStore: Map<StoreName, { batch: Consumed; anchor: Consumed | null; rounds: number[] }>;
}

/** The median round (the lower middle one of an even count) and every round's rate. */
function medianRound(runsOf: readonly Consumed[]): { batch: Consumed; rounds: number[] } {
  const sorted = [...runsOf].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond);
  return { batch: sorted[Math.floor((sorted.length - 1) / 2)]!, rounds: sorted.map((run) => run.eventsPerSecond) };
}

const dir = mkdtempSync(join(tmpdir(), 'sitrep-bench-record-'));
/** A timed store is not read again: its file (and WAL) would only fill the disk. */
const removeSqlite = (path: string) => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
};
let broker: KafkaBroker | undefined;
let postgres: RunningPostgres | undefined;
try {
  out(
    `Node ${process.versions.node}, ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Kafka ${KAFKA_VERSION}`,
  );
  [broker, postgres] = await Promise.all([startKafkaBroker({ heapMb: 1024 }), startPostgres({ durable: true })]);
  const pg = postgres;
  let databases = 0;
  const target = (name: StoreName): StoreTarget =>
    name === 'SQLite'
      ? { kind: 'sqlite', path: join(dir, `store-${++databases}.sqlite`) }
      : { kind: 'postgres', url: pg.createDatabase(`store_${++databases}`) };

  const figures: CaseFigures[] = [];
  for (const perIncident of cases) {
    const records = incidentStream(perIncident, eventsPerCase);
    const prefix = `${uniqueName('bench')}.`;
    const caseDir = join(dir, `case-${perIncident}`);
    mkdirSync(caseDir);
    await preload(broker.bootstrap, prefix, caseDir, records);
    const byStore = new Map<StoreName, { batch: Consumed; anchor: Consumed | null; rounds: number[] }>();
    const batches = new Map<StoreName, Consumed[]>(STORES.map((name) => [name, []]));
    for (let round = 0; round < rounds; round += 1) {
      for (const name of STORES) {
        const spot = target(name);
        batches.get(name)!.push(await timeRecorder(broker.bootstrap, prefix, caseDir, spot, records.length));
        if (spot.kind === 'sqlite') removeSqlite(spot.path);
      }
    }
    for (const name of STORES) {
      const spot = target(name);
      const anchor =
        anchorMs > 0
          ? await timeOnePerTransaction(broker.bootstrap, prefix, caseDir, spot, records.length, anchorMs)
          : null;
      if (spot.kind === 'sqlite') removeSqlite(spot.path);
      byStore.set(name, { ...medianRound(batches.get(name)!), anchor });
    }
    figures.push({ perIncident, stream: describeStream(records), byStore });
  }

  const stored = new Map<StoreName, Reads & { fillSeconds: number }>();
  for (const name of STORES) {
    const spot = target(name);
    const store: IncidentStore =
      spot.kind === 'sqlite' ? new SqliteIncidentStore(spot.path) : new PostgresIncidentStore(spot.url);
    try {
      const fillSeconds = await fill(store, storedIncidents);
      if (spot.kind === 'postgres') vacuumAnalyze(spot.url);
      const readsDir = join(dir, `reads-${name}`);
      mkdirSync(readsDir);
      stored.set(name, { ...(await reads(store, readsDir, runs)), fillSeconds });
    } finally {
      await store.close();
    }
  }

  out();
  out('Recorder through the bus: the service consuming a pre-loaded incidents topic (6 partitions, one broker)');
  out('to the end, clock from its first applied record; SQLite WAL synchronous=FULL, PostgreSQL fsync on.');
  out('Anchor: the same subscription applying one event per transaction (applyIncidentEvent), one round.');
  out();
  for (const { perIncident, stream } of figures) out(`- ${perIncident} alerts an incident: ${stream}`);
  out();
  row([
    'store',
    'alerts/incident',
    `batch apply events/s, median of ${rounds} (events, batches, s; of all s applying batches; every round)`,
    'one per transaction events/s (events, s)',
    'ratio',
  ]);
  row(['---', '---:', '---:', '---:', '---:']);
  for (const name of STORES) {
    for (const { perIncident, byStore } of figures) {
      const { batch, anchor, rounds: each } = byStore.get(name)!;
      row([
        name,
        perIncident,
        `${count(batch.eventsPerSecond)} (${batch.timedEvents}, ${batch.batches}, ${batch.seconds.toFixed(1)}; ${batch.applySeconds.toFixed(1)}; ${each.map(count).join(' / ')})`,
        anchor === null
          ? 'not run'
          : `${count(anchor.eventsPerSecond)} (${anchor.timedEvents}${anchor.stoppedEarly ? ' before the budget ran out' : ''}, ${anchor.seconds.toFixed(1)})`,
        anchor === null ? '' : `${(batch.eventsPerSecond / anchor.eventsPerSecond).toFixed(1)}x`,
      ]);
    }
  }

  out();
  for (const [name, r] of stored) {
    out(
      `${name}: ${storedIncidents} incidents over 90 days stored in ${r.fillSeconds.toFixed(1)} s ` +
        `(${count(storedIncidents / r.fillSeconds)} incidents/s, recordBatch of 1,000${
          name === 'PostgreSQL' ? '; then VACUUM ANALYZE, as autovacuum would have by then' : ''
        })`,
    );
  }
  out();
  out("GET /api/v1/reports/reliability over HTTP, the recorder's app (ms, p50 / p99)");
  out();
  row(['range', 'groupBy', 'incidents', ...STORES]);
  row(['---', '---', '---:', ...STORES.map(() => '---:')]);
  for (const days of RANGES) {
    for (const groupBy of GROUPINGS) {
      const cells = STORES.map((name) => stored.get(name)!.api.get(`${days}/${groupBy}`)!);
      const incidents = cells[0]!.incidents;
      if (cells.some((cell) => cell.incidents !== incidents)) throw new Error(`the stores disagree: ${days} days`);
      row([`${days} days`, groupBy, incidents, ...cells.map(timing)]);
    }
  }
  row([
    '90 days',
    'none, computed as before (reportedIncidents + incidentDurations), in process',
    storedIncidents,
    ...STORES.map((name) => timing(stored.get(name)!.before)),
  ]);

  out();
  out('First page of GET /api/v1/incidents (limit 50), listIncidents (ms, p50 / p99)');
  out();
  row(['filter', 'rows', ...STORES]);
  row(['---', '---:', ...STORES.map(() => '---:')]);
  for (const [index, [label]] of LIST_FILTERS.entries()) {
    const lists = STORES.map((name) => stored.get(name)!.lists[index]!);
    row([label, lists[0]!.rows, ...lists.map(timing)]);
  }

  out();
  // Other work on the two cores moves these figures by a fifth or more: say how busy they were.
  out(
    `load average at the end (1, 5, 15 min): ${loadavg()
      .map((load) => load.toFixed(2))
      .join(', ')}`,
  );
  out();
  out('Targets (issue 14):');
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  for (const name of STORES) {
    const floor = name === 'SQLite' ? TARGETS.sqliteEventsPerSecond : TARGETS.postgresEventsPerSecond;
    const rates = figures.map(
      ({ perIncident, byStore }) => [perIncident, byStore.get(name)!.batch.eventsPerSecond] as const,
    );
    out(
      `- recorder on ${name} >= ${count(floor)} events/s through the bus: ${met(rates.every(([, rate]) => rate >= floor))} (median of ${rounds}: ${rates
        .map(([perIncident, rate]) => `${count(rate)} at ${perIncident} alerts an incident`)
        .join(', ')})`,
    );
  }
  for (const name of STORES) {
    const p50s = GROUPINGS.map((groupBy) => stored.get(name)!.api.get(`90/${groupBy}`)!.p50);
    out(
      `- 90-day reliability report over ${count(storedIncidents)} incidents <= ${TARGETS.reportP50Ms} ms API p50 on ${name}: ${met(
        p50s.every((p50) => p50 <= TARGETS.reportP50Ms),
      )} (${p50s.map(ms).join(' / ')} ms for groupBy ${GROUPINGS.join(' / ')})`,
    );
  }
} finally {
  // pg's pool.end() resolves before its connections have closed; stopping the server at once
  // would make the closing connections emit an unhandled error.
  await delay(200);
  await Promise.all([postgres?.close(), broker?.close()]);
  rmSync(dir, { recursive: true, force: true });
}
