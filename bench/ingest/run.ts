// Ingest benchmark: realistic Alertmanager webhooks (10 alerts each) against alert-ingest running
// as its own process on a real Kafka broker with acks=all; then, as the ceiling, kafkajs alone
// producing the same records with the same concurrency. Prints figures; asserts nothing.
//
//   npm run bench:ingest                 (starts its own broker)
//   KAFKA_BROKERS=host:port npm run bench:ingest -- --duration 30 --connections 32
import { spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import kafkajs from 'kafkajs';
import { parseAlertmanagerWebhook, topicNames } from '@sitrep/contracts';
import { alertMessages, alertsFromWebhook } from '@sitrep/codec';
import { DEFAULT_CORRELATION_SETTINGS } from '@sitrep/domain';
import {
  alertBatch,
  freePort,
  KAFKA_VERSION,
  startKafkaBroker,
  uniqueName,
  waitFor,
  webhookBody,
} from '@sitrep/testkit';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: '32' },
    'alerts-per-webhook': { type: 'string', default: '10' },
  },
});
const durationSeconds = Number(args.duration);
const connections = Number(args.connections);
const alertsPerWebhook = Number(args['alerts-per-webhook']);
const token = uniqueName('bench-token');
const prefix = `${uniqueName('bench')}.`;

// Distinct bodies (different startsAt) so the records are distinct occurrences, as in real traffic.
const bodies = Array.from({ length: 200 }, (_, index) =>
  JSON.stringify(
    webhookBody(alertBatch(alertsPerWebhook, new Date(Date.UTC(2026, 10, 22, 3, 0, index)).toISOString())),
  ),
);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function benchIngest(brokers: string) {
  const port = await freePort();
  const service = spawn(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', 'packages/cli/bin/sitrep.js', 'start'],
    {
      env: {
        ...process.env,
        KAFKA_BROKERS: brokers,
        SITREP_INGEST_PORT: String(port),
        SITREP_INGEST_BEARER_TOKEN: token,
        SITREP_TOPIC_PREFIX: prefix,
        SITREP_TOPIC_PARTITIONS: '6',
        SITREP_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${url}/readyz`)).ok, {
      timeoutMs: 60_000,
      description: 'alert-ingest ready',
    });
    let next = 0;
    const result = await autocannon({
      url: `${url}/api/v1/alertmanager`,
      method: 'POST',
      connections,
      duration: durationSeconds,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      requests: [
        {
          setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
        },
      ],
    });
    const ok = result['2xx'];
    return {
      webhooksPerSecond: ok / durationSeconds,
      alertsPerSecond: (ok * alertsPerWebhook) / durationSeconds,
      p50: result.latency.p50,
      p99: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
    };
  } finally {
    service.kill('SIGTERM');
    await new Promise((resolve) => service.once('exit', resolve));
  }
}

async function benchRawProducer(brokers: string) {
  const kafka = new kafkajs.Kafka({ brokers: [brokers], clientId: 'bench-raw', logLevel: kafkajs.logLevel.NOTHING });
  const topic = topicNames(prefix).alerts;
  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner, idempotent: false });
  await producer.connect();
  // The very records alert-ingest would publish for the same webhooks.
  const batches = bodies.map((body) => {
    const parsed = parseAlertmanagerWebhook(JSON.parse(body));
    if (!parsed.ok) throw new Error('bad bench body');
    const alerts = alertsFromWebhook(parsed.value, new Date(), DEFAULT_CORRELATION_SETTINGS);
    return alertMessages(alerts, parsed.value, DEFAULT_CORRELATION_SETTINGS, {});
  });
  const latencies: number[] = [];
  let sent = 0;
  const deadline = Date.now() + durationSeconds * 1000;
  let next = 0;
  const worker = async () => {
    while (Date.now() < deadline) {
      const messages = batches[next++ % batches.length] ?? [];
      const started = performance.now();
      await producer.send({ topic, acks: -1, messages });
      latencies.push(performance.now() - started);
      sent += messages.length;
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  await producer.disconnect();
  latencies.sort((a, b) => a - b);
  return { alertsPerSecond: sent / durationSeconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function main() {
  const external = process.env.KAFKA_BROKERS;
  const broker = external ? undefined : await startKafkaBroker({ heapMb: 1024 });
  const brokers = external ?? broker!.bootstrap;
  try {
    process.stderr.write(
      `benchmarking against Kafka at ${brokers} for ${durationSeconds}s x2, ${connections} connections...\n`,
    );
    const ingest = await benchIngest(brokers);
    const raw = await benchRawProducer(brokers);
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    const lines = [
      `machine: ${cpus().length} x ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, Kafka ${external ? '(external)' : KAFKA_VERSION} on loopback`,
      `load: ${connections} connections, ${alertsPerWebhook} alerts per webhook, ${durationSeconds}s per phase`,
      '',
      '| path | alerts/s | p50 ack ms | p99 ack ms |',
      '| --- | ---: | ---: | ---: |',
      `| alert-ingest (HTTP -> Kafka, acks=all) | ${ingest.alertsPerSecond.toFixed(0)} | ${ingest.p50.toFixed(1)} | ${ingest.p99.toFixed(1)} |`,
      `| kafkajs producer alone (ceiling) | ${raw.alertsPerSecond.toFixed(0)} | ${raw.p50.toFixed(1)} | ${raw.p99.toFixed(1)} |`,
      '',
      `webhooks/s accepted: ${ingest.webhooksPerSecond.toFixed(0)}; non-2xx: ${ingest.non2xx}; connection errors: ${ingest.errors}`,
      `alert-ingest reaches ${((100 * ingest.alertsPerSecond) / raw.alertsPerSecond).toFixed(0)}% of the raw producer`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await broker?.close();
  }
}

await main();
