// Correlation benchmark: alerts/s through the pure correlator and end to end from the alerts
// topic on a real Kafka broker, and memory per open alert. Prints figures; asserts nothing.
//
//   npm run bench:correlate        (node --expose-gc, starts its own broker)
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import kafkajs from 'kafkajs';
import { KafkaBus } from '@sitrep/bus';
import { alertMessages } from '@sitrep/codec';
import { topicNames } from '@sitrep/contracts';
import {
  Correlator,
  DEFAULT_CORRELATION_SETTINGS,
  alertOccurrenceId,
  alertScope,
  labelsFingerprint,
  normaliseLabels,
  systemClock,
  type Alert,
} from '@sitrep/domain';
import { correlatorTopics, ingestTopics, loadIngestConfig, startCorrelator } from '@sitrep/alert-ingest';
import { EnvReader } from '@sitrep/config';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import { KAFKA_VERSION, startKafkaBroker, uniqueName, waitFor, webhookBody } from '@sitrep/testkit';
import { parseAlertmanagerWebhook } from '@sitrep/contracts';

const { values: args } = parseArgs({
  options: {
    alerts: { type: 'string', default: '200000' },
    'e2e-alerts': { type: 'string', default: '20000' },
  },
});

const T0 = Date.parse('2026-11-22T00:00:00Z');
const SIGNALS = ['HighErrorRate', 'HighLatencyP99', 'BackendLoadImbalance', 'NodeHighCPU', 'TargetDown'];

/**
 * The group key Alertmanager gives an alert under `group_by: ['...']` (every label): each alert
 * is its own group, so each notification completely lists its one alert, as the stream sends them.
 */
const groupKeyOf = (labels: Readonly<Record<string, string>>): string =>
  `{}:{${Object.entries(labels)
    .map(([name, value]) => `${name}="${value}"`)
    .join(', ')}}`;

/**
 * A stream shaped like a busy fleet: `services` services, each incident 5 alerts from 5
 * instances firing within a minute, resolved 20 minutes later when `resolve` is set.
 */
function* stream(count: number, services: number, resolve: boolean): Generator<Alert> {
  for (let index = 0; index < count; index += 1) {
    const service = `svc-${index % services}`;
    const wave = Math.floor(index / (services * 5));
    const labels = normaliseLabels({
      alertname: SIGNALS[index % SIGNALS.length] ?? 'Other',
      service,
      instance: `${service}-${Math.floor(index / services) % 5}:8080`,
      severity: index % 3 === 0 ? 'critical' : 'warning',
      wave: String(wave),
    });
    const fingerprint = labelsFingerprint(labels);
    const startsAt = new Date(T0 + wave * 3_600_000 + (index % 60) * 1000);
    const receivedAt = new Date(startsAt.getTime() + 30_000);
    const scope = alertScope(labels, DEFAULT_CORRELATION_SETTINGS.scopeLabels);
    // As Alertmanager sends them with group_by ['...']: each notification lists its group's one alert.
    const listing = { group: fingerprint, alertsWithKey: 1 };
    yield {
      occurrenceId: alertOccurrenceId(fingerprint, startsAt, 'firing'),
      fingerprint,
      status: 'firing',
      labels,
      scope,
      annotations: { summary: 'benchmark', value: '0.3' },
      startsAt,
      endsAt: null,
      generatorURL: null,
      receivedAt,
      listing,
    };
    if (resolve) {
      const endsAt = new Date(startsAt.getTime() + 20 * 60_000);
      yield {
        occurrenceId: alertOccurrenceId(fingerprint, startsAt, 'resolved'),
        fingerprint,
        status: 'resolved',
        labels,
        scope,
        annotations: {},
        startsAt,
        endsAt,
        generatorURL: null,
        receivedAt: new Date(endsAt.getTime() + 30_000),
        listing,
      };
    }
  }
}

function domainThroughput(count: number): { alertsPerSecond: number; events: number } {
  const alerts = [...stream(count / 2, 1000, true)].sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  const correlator = new Correlator(DEFAULT_CORRELATION_SETTINGS);
  const started = performance.now();
  let events = 0;
  for (const alert of alerts) events += correlator.applyAlert(alert).length;
  const seconds = (performance.now() - started) / 1000;
  return { alertsPerSecond: alerts.length / seconds, events };
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc (npm run bench:correlate does)');
  collect();
  collect();
}

function memoryPerOpenAlert(open: number): { bytesPerAlert: number; snapshotBytes: number } {
  gc();
  const before = process.memoryUsage().heapUsed;
  const correlator = new Correlator(DEFAULT_CORRELATION_SETTINGS);
  // Generated one at a time: the heap then holds only what the correlator keeps of each alert.
  for (const alert of stream(open, Math.max(10, open / 50), false)) correlator.applyAlert(alert);
  gc();
  const after = process.memoryUsage().heapUsed;
  // As stored on the state topic: gzipped JSON in base64.
  const snapshotBytes = gzipSync(JSON.stringify(correlator.snapshot())).toString('base64').length;
  if (correlator.openIncidentCount() === 0) throw new Error('no open incident: the stream is wrong');
  return { bytesPerAlert: (after - before) / open, snapshotBytes };
}

async function endToEnd(count: number): Promise<{ alertsPerSecond: number }> {
  const broker = await startKafkaBroker({ heapMb: 1024 });
  const { logger } = createMemoryLogger('error');
  try {
    const prefix = `${uniqueName('bench')}.`;
    const reader = new EnvReader({
      KAFKA_BROKERS: broker.bootstrap,
      SITREP_TOPIC_PREFIX: prefix,
      SITREP_AUTH: 'disabled',
    });
    const config = loadIngestConfig(reader);
    const bus = new KafkaBus({ brokers: [broker.bootstrap], clientId: 'bench', publishTimeoutMs: 30_000, logger });
    await bus.start(ingestTopics(config));

    // Pre-load the alerts topic with the records ingest would write, then time the correlator alone.
    const kafka = new kafkajs.Kafka({ brokers: [broker.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
    await producer.connect();
    const webhook = parseAlertmanagerWebhook(webhookBody([]));
    if (!webhook.ok) throw new Error('bad webhook');
    const alerts = [...stream(count / 2, 500, true)].sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
    for (let offset = 0; offset < alerts.length; offset += 500) {
      await producer.send({
        topic: topicNames(prefix).alerts,
        acks: -1,
        // One notification per alert: its group's key, as Alertmanager would send it.
        messages: alerts
          .slice(offset, offset + 500)
          .flatMap((alert) =>
            alertMessages([alert], { ...webhook.value, groupKey: groupKeyOf(alert.labels) }, config.correlation, {}),
          ),
      });
    }
    await producer.disconnect();

    const registry = createMetricsRegistry({ service: 'bench', processMetrics: false });
    const started = performance.now();
    const correlator = await startCorrelator({
      bus,
      topics: correlatorTopics(config),
      settings: config.correlation,
      clock: systemClock,
      logger,
      registry,
      groupId: uniqueName('bench-correlator'),
      instanceId: 'bench',
    });
    const applied = async () =>
      ((await registry.getSingleMetric('sitrep_correlator_records_total')?.get())?.values ?? [])
        .filter((value) => value.labels.outcome === 'applied' && value.labels.topic === topicNames(prefix).alerts)
        .reduce((sum, value) => sum + value.value, 0);
    await waitFor(async () => (await applied()) >= alerts.length, {
      timeoutMs: 600_000,
      intervalMs: 200,
      description: 'all records',
    });
    const seconds = (performance.now() - started) / 1000;
    await correlator.close();
    await bus.close();
    return { alertsPerSecond: alerts.length / seconds };
  } finally {
    await broker.close();
  }
}

const domain = domainThroughput(Number(args.alerts));
const tenK = memoryPerOpenAlert(10_000);
const hundredK = memoryPerOpenAlert(100_000);
const e2e = await endToEnd(Number(args['e2e-alerts']));
process.stdout.write(
  [
    `Node ${process.versions.node}, Kafka ${KAFKA_VERSION} on loopback`,
    '',
    '| measure | figure |',
    '| --- | ---: |',
    `| correlator alone, records/s (${Number(args.alerts)} firing+resolved records, 1000 services) | ${domain.alertsPerSecond.toFixed(0)} |`,
    `| end to end from the alerts topic, records/s (${Number(args['e2e-alerts'])} records, 6 partitions, state saved per batch) | ${e2e.alertsPerSecond.toFixed(0)} |`,
    `| heap per open alert, 10k open | ${(tenK.bytesPerAlert / 1024).toFixed(2)} KiB |`,
    `| heap per open alert, 100k open | ${(hundredK.bytesPerAlert / 1024).toFixed(2)} KiB |`,
    `| stored state (gzip+base64), 10k open alerts | ${(tenK.snapshotBytes / 2 ** 20).toFixed(1)} MiB |`,
    `| stored state (gzip+base64), 100k open alerts | ${(hundredK.snapshotBytes / 2 ** 20).toFixed(1)} MiB |`,
    '',
  ].join('\n'),
);
