// One comparison, one run: Alertmanager 0.25's own ingest (the anchor), Sitrep's alert-ingest
// alone on Kafka (acks=all), `npm start` on its embedded defaults, and Kafka's own
// ProducerPerformance (the physical limit), in interleaved rounds on this machine with the same
// generated alerts; then the correlator, recorder and report benchmarks as child processes.
// Prints figures; asserts nothing.
//
//   npm run bench:compare                  (about 12 minutes)
//   npm run bench:compare -- --quick       (a few minutes: one round, short phases)
//   npm run bench:compare -- --before /tmp/sitrep-before   (also runs that checkout's Sitrep)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { KAFKA_VERSION, runProducerPerformance, startKafkaBroker, uniqueName, type KafkaBroker } from '@sitrep/testkit';
import { cpuWindow } from './cpu.ts';
import { alertmanagerReceiver, createTopic, kafkaRecords, sitrepReceiver, type Receiver } from './targets.ts';
import { generateWorkload, type Workload } from './workload.ts';
import { runWrk } from './wrk.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string', default: '32' },
    'open-connections': { type: 'string', default: '128' },
    'alerts-per-body': { type: 'string', default: '10' },
    before: { type: 'string' },
    only: { type: 'string' },
    'cpu-prof-dir': { type: 'string' },
    'skip-others': { type: 'boolean', default: false },
  },
});
const quick = args.quick;
const rounds = Number(args.rounds ?? (quick ? 1 : 3));
const durationSeconds = Number(args.duration ?? (quick ? 5 : 10));
const warmupSeconds = quick ? 2 : 3;
const connections = Number(args.connections);
const openConnections = Number(args['open-connections']);
const alertsPerBody = Number(args['alerts-per-body']);
const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'sitrep-bench-compare-'));

interface Phase {
  readonly alertsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU-seconds per 1,000 alerts: the receiver, the broker (when it has one), the generator. */
  readonly cpuPer1000: { readonly server: number; readonly broker: number | undefined; readonly generator: number };
  readonly failures: number;
}

interface RoundResult {
  readonly target: string;
  readonly round: number;
  readonly closed: Phase;
  readonly open: Phase & { readonly rate: number; readonly sendLateP99Ms: number };
  readonly expectedStored: number;
  readonly stored: number;
}

interface OpenLoopOutput {
  ok: number;
  failedStatus: number;
  socketErrors: number;
  unanswered: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  sendLateP99Ms: number;
  cpuSeconds: number;
}

function runOpenLoop(url: string, headers: Readonly<Record<string, string>>, bodiesFile: string, rate: number) {
  return new Promise<OpenLoopOutput>((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        join(import.meta.dirname, 'open-loop.ts'),
        `--url=${url}`,
        `--rate=${rate}`,
        `--duration=${durationSeconds}`,
        `--connections=${openConnections}`,
        `--bodies=${bodiesFile}`,
        ...Object.entries(headers).map(([name, value]) => `--header=${name}: ${value}`),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.once('error', fail);
    child.once('exit', (code) => {
      if (code !== 0) fail(new Error(`open-loop generator exited ${code}: ${out}`));
      else done(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as OpenLoopOutput);
    });
  });
}

const per1000 = (seconds: number, alerts: number): number => (alerts > 0 ? (1000 * seconds) / alerts : Number.NaN);

async function measureReceiver(
  receiver: Receiver,
  round: number,
  workload: Workload,
  files: { webhook: string; postable: string },
  broker: KafkaBroker | undefined,
): Promise<RoundResult> {
  const running = await receiver.start();
  try {
    const bodies = running.bodies === 'webhook' ? workload.webhookBodies : workload.postableBodies;
    const wrkOptions = { url: running.url, bodies, headers: running.headers, connections, threads: 1, dir: work };
    const warm = await runWrk({ ...wrkOptions, durationSeconds: warmupSeconds });
    const pids = [running.pid, ...(receiver.usesBroker && broker?.pid ? [broker.pid] : [])];
    let window = cpuWindow(pids);
    const closedRun = await runWrk({ ...wrkOptions, durationSeconds });
    const [closedServer = 0, closedBroker] = window();
    const closedOk = closedRun.responses - closedRun.failedStatus;
    const closedAlerts = closedOk * workload.alertsPerBody;
    const closed: Phase = {
      alertsPerSecond: closedAlerts / closedRun.seconds,
      p50Ms: closedRun.p50Ms,
      p99Ms: closedRun.p99Ms,
      cpuPer1000: {
        server: per1000(closedServer, closedAlerts),
        broker: closedBroker === undefined ? undefined : per1000(closedBroker, closedAlerts),
        generator: per1000(closedRun.cpuSeconds, closedAlerts),
      },
      failures: closedRun.failedStatus + closedRun.socketErrors,
    };
    const rate = Math.max(1, Math.round(closedOk / closedRun.seconds / 2));
    window = cpuWindow(pids);
    const openRun = await runOpenLoop(
      running.url,
      running.headers,
      running.bodies === 'webhook' ? files.webhook : files.postable,
      rate,
    );
    const [openServer = 0, openBroker] = window();
    const openAlerts = openRun.ok * workload.alertsPerBody;
    const open = {
      rate: rate * workload.alertsPerBody,
      alertsPerSecond: openAlerts / openRun.seconds,
      p50Ms: openRun.p50Ms,
      p99Ms: openRun.p99Ms,
      sendLateP99Ms: openRun.sendLateP99Ms,
      cpuPer1000: {
        server: per1000(openServer, openAlerts),
        broker: openBroker === undefined ? undefined : per1000(openBroker, openAlerts),
        generator: per1000(openRun.cpuSeconds, openAlerts),
      },
      failures: openRun.failedStatus + openRun.socketErrors + openRun.unanswered,
    };
    const warmOk = warm.responses - warm.failedStatus;
    return {
      target: receiver.name,
      round,
      closed,
      open,
      expectedStored: (warmOk + closedOk + openRun.ok) * workload.alertsPerBody,
      stored: await running.stored(),
    };
  } finally {
    await running.stop();
  }
}

const PRODUCER_PERFORMANCE = `Kafka ProducerPerformance ${KAFKA_VERSION} (acks=all)`;

async function measureProducerPerformance(
  broker: KafkaBroker,
  round: number,
  payloadFile: string,
  expectedRate: number,
): Promise<RoundResult> {
  const topic = uniqueName('compare-producer-performance');
  await createTopic(broker.bootstrap, topic, 6);
  const props = { acks: 'all', 'linger.ms': '5' };
  let window = cpuWindow([broker.pid ?? 0]);
  const closedRecords = Math.round(expectedRate * durationSeconds);
  const closedRun = await runProducerPerformance({
    bootstrap: broker.bootstrap,
    topic,
    records: closedRecords,
    throughput: -1,
    payloadFile,
    producerProps: props,
  });
  const [closedBroker = 0] = window();
  const rate = Math.max(1, Math.round(closedRun.recordsPerSecond / 2));
  window = cpuWindow([broker.pid ?? 0]);
  const openRun = await runProducerPerformance({
    bootstrap: broker.bootstrap,
    topic,
    records: rate * durationSeconds,
    throughput: rate,
    payloadFile,
    producerProps: props,
  });
  const [openBroker = 0] = window();
  return {
    target: PRODUCER_PERFORMANCE,
    round,
    closed: {
      alertsPerSecond: closedRun.recordsPerSecond,
      p50Ms: closedRun.p50Ms,
      p99Ms: closedRun.p99Ms,
      // The generator is the producer itself, in its JVM: not separated from the client here.
      cpuPer1000: { server: Number.NaN, broker: per1000(closedBroker, closedRun.records), generator: Number.NaN },
      failures: closedRecords - closedRun.records,
    },
    open: {
      rate,
      alertsPerSecond: openRun.recordsPerSecond,
      p50Ms: openRun.p50Ms,
      p99Ms: openRun.p99Ms,
      sendLateP99Ms: Number.NaN,
      cpuPer1000: { server: Number.NaN, broker: per1000(openBroker, openRun.records), generator: Number.NaN },
      failures: rate * durationSeconds - openRun.records,
    },
    expectedStored: closedRun.records + openRun.records,
    stored: await kafkaRecords(broker.bootstrap, topic),
  };
}

const median = (values: readonly number[]): number => {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const fixed = (value: number | undefined, digits = 0): string =>
  value === undefined || Number.isNaN(value)
    ? '–'
    : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function report(results: readonly RoundResult[], targets: readonly string[]): string {
  const anchor = targets[0] ?? '';
  const byRound = new Map<number, Map<string, RoundResult>>();
  for (const result of results) {
    const round = byRound.get(result.round) ?? new Map<string, RoundResult>();
    round.set(result.target, result);
    byRound.set(result.round, round);
  }
  const ratio = (target: string, pick: (result: RoundResult) => number): number =>
    median(
      [...byRound.values()].map((round) => {
        const mine = round.get(target);
        const theirs = round.get(anchor);
        return mine && theirs ? pick(mine) / pick(theirs) : Number.NaN;
      }),
    );
  const lines = [
    `Closed loop (wrk, ${connections} connections, 1 thread; ProducerPerformance unthrottled), median of ${byRound.size} round(s) of ${durationSeconds} s:`,
    '',
    '| target | alerts/s | × Alertmanager | p50 ms | p99 ms | CPU-s/1k alerts: receiver | broker | generator | failures |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const of = (target: string) => results.filter((result) => result.target === target);
  for (const target of targets) {
    const mine = of(target);
    const m = (pick: (result: RoundResult) => number | undefined) => median(mine.map((r) => pick(r) ?? NaN));
    lines.push(
      `| ${target} | ${fixed(m((r) => r.closed.alertsPerSecond))} | ${fixed(
        ratio(target, (r) => r.closed.alertsPerSecond),
        2,
      )} | ${fixed(
        m((r) => r.closed.p50Ms),
        1,
      )} | ${fixed(
        m((r) => r.closed.p99Ms),
        1,
      )} | ${fixed(
        m((r) => r.closed.cpuPer1000.server),
        3,
      )} | ${fixed(
        m((r) => r.closed.cpuPer1000.broker),
        3,
      )} | ${fixed(
        m((r) => r.closed.cpuPer1000.generator),
        3,
      )} | ${mine.reduce((sum, r) => sum + r.closed.failures, 0)} |`,
    );
  }
  lines.push(
    '',
    `Open loop at half of each round's closed-loop maximum (latency from each request's scheduled send time; ${openConnections} connections at most):`,
    '',
    '| target | offered alerts/s | answered alerts/s | p50 ms | p99 ms | generator late p99 ms | CPU-s/1k alerts: receiver | broker | generator | failures |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const target of targets) {
    const mine = of(target);
    const m = (pick: (result: RoundResult) => number | undefined) => median(mine.map((r) => pick(r) ?? NaN));
    lines.push(
      `| ${target} | ${fixed(m((r) => r.open.rate))} | ${fixed(m((r) => r.open.alertsPerSecond))} | ${fixed(
        m((r) => r.open.p50Ms),
        1,
      )} | ${fixed(
        m((r) => r.open.p99Ms),
        1,
      )} | ${fixed(
        m((r) => r.open.sendLateP99Ms),
        1,
      )} | ${fixed(
        m((r) => r.open.cpuPer1000.server),
        3,
      )} | ${fixed(
        m((r) => r.open.cpuPer1000.broker),
        3,
      )} | ${fixed(
        m((r) => r.open.cpuPer1000.generator),
        3,
      )} | ${mine.reduce((sum, r) => sum + r.open.failures, 0)} |`,
    );
  }
  lines.push(
    '',
    'Correctness: alerts stored = 2xx responses × alerts per body (records for ProducerPerformance), per round:',
    '',
  );
  // wrk stops with requests in flight: their alerts may be stored without a counted response.
  const cutOff = 2 * connections * alertsPerBody;
  for (const result of results) {
    const extra = result.stored - result.expectedStored;
    const verdict =
      extra === 0
        ? 'ok'
        : extra > 0 && extra <= cutOff && result.target !== PRODUCER_PERFORMANCE
          ? `ok (+${extra}: requests in flight when wrk stopped, at most ${cutOff})`
          : 'MISMATCH';
    lines.push(
      `- round ${result.round}, ${result.target}: stored ${result.stored}, expected ${result.expectedStored}: ${verdict}`,
    );
  }
  lines.push('', 'Every round (closed-loop alerts/s, open-loop p99 ms):', '');
  for (const [round, map] of byRound) {
    lines.push(
      `- round ${round}: ${[...map.values()].map((r) => `${r.target} ${fixed(r.closed.alertsPerSecond)} / ${fixed(r.open.p99Ms, 1)}`).join('; ')}`,
    );
  }
  return lines.join('\n');
}

/** Runs another benchmark as a child process, its output under a heading. */
async function runChild(title: string, script: string, extra: readonly string[]): Promise<void> {
  process.stdout.write(`\n## ${title}\n\n`);
  const file = join(root, script);
  if (!existsSync(file)) {
    process.stdout.write(`(${script} is missing)\n`);
    return;
  }
  // Their own options, when they offer a shorter run.
  const offersQuick = /['"]?quick['"]?\s*:\s*\{/.test(readFileSync(file, 'utf8'));
  const childArgs = ['--expose-gc', file, ...(quick && offersQuick ? ['--quick'] : []), ...extra];
  const code = await new Promise<number | null>((done) => {
    const child = spawn(process.execPath, childArgs, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('exit', done);
  });
  if (code !== 0) process.stdout.write(`\n(${script} exited with ${code})\n`);
}

async function main(): Promise<void> {
  const workload = generateWorkload(200, alertsPerBody);
  const files = { webhook: join(work, 'webhook-bodies.json'), postable: join(work, 'postable-bodies.json') };
  writeFileSync(files.webhook, JSON.stringify(workload.webhookBodies));
  writeFileSync(files.postable, JSON.stringify(workload.postableBodies));
  const payloadFile = join(work, 'records.txt');
  writeFileSync(payloadFile, workload.recordValues.join('\n'));
  const meanRecord =
    workload.recordValues.reduce((sum, value) => sum + Buffer.byteLength(value), 0) / workload.recordValues.length;
  const logDir = join(work, 'logs');
  mkdirSync(logDir, { recursive: true });
  if (args['cpu-prof-dir']) mkdirSync(args['cpu-prof-dir'], { recursive: true });

  const only = args.only?.split(',');
  const wanted = (key: string) => only === undefined || only.includes(key);
  process.stderr.write(`bench:compare: starting Kafka ${KAFKA_VERSION}...\n`);
  const broker = await startKafkaBroker({ heapMb: 1024 });
  const profile = args['cpu-prof-dir'] ? { cpuProfileDir: resolve(args['cpu-prof-dir']) } : {};
  const receivers: { key: string; receiver: Receiver }[] = [
    { key: 'am', receiver: alertmanagerReceiver() },
    {
      key: 'kafka',
      receiver: sitrepReceiver({
        name: 'Sitrep alert-ingest on Kafka (acks=all)',
        root,
        kafka: broker.bootstrap,
        logDir,
        ...profile,
      }),
    },
    { key: 'embedded', receiver: sitrepReceiver({ name: 'Sitrep npm start (embedded)', root, logDir, ...profile }) },
  ];
  if (args.before) {
    const before = resolve(args.before);
    receivers.push(
      {
        key: 'kafka',
        receiver: sitrepReceiver({
          name: 'before: alert-ingest on Kafka',
          root: before,
          kafka: broker.bootstrap,
          logDir,
        }),
      },
      { key: 'embedded', receiver: sitrepReceiver({ name: 'before: npm start (embedded)', root: before, logDir }) },
    );
  }
  const chosen = receivers.filter(({ key }) => wanted(key)).map(({ receiver }) => receiver);
  const targets = [...chosen.map((receiver) => receiver.name), ...(wanted('producer') ? [PRODUCER_PERFORMANCE] : [])];
  const results: RoundResult[] = [];
  let producerRate = 150_000;
  try {
    for (let round = 1; round <= rounds; round += 1) {
      for (const receiver of chosen) {
        process.stderr.write(`round ${round}/${rounds}: ${receiver.name}...\n`);
        results.push(await measureReceiver(receiver, round, workload, files, broker));
      }
      if (wanted('producer')) {
        process.stderr.write(`round ${round}/${rounds}: ${PRODUCER_PERFORMANCE}...\n`);
        const result = await measureProducerPerformance(broker, round, payloadFile, producerRate);
        producerRate = result.closed.alertsPerSecond;
        results.push(result);
      }
    }
  } finally {
    await broker.close();
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(
    [
      '## Ingest, side by side',
      '',
      `machine: ${cpus().length} x ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, Kafka ${KAFKA_VERSION} (one KRaft node, 1 GiB heap) on loopback; everything shares the cores`,
      `workload: 200 bodies of ${alertsPerBody} alerts in rotation (the same alerts as webhook bodies for Sitrep, postable alerts for Alertmanager); Kafka records of ${fixed(meanRecord)} bytes on average (ProducerPerformance sends the same values, without keys and headers)`,
      '',
      report(results, targets),
      '',
    ].join('\n'),
  );
  rmSync(work, { recursive: true, force: true });
  if (!args['skip-others']) {
    await runChild('Correlator (bench:correlate)', 'bench/correlate/run.ts', []);
    await runChild('Recorder and reports (bench:record)', 'bench/record/run.ts', []);
  }
}

await main();
