// Correlation benchmark: alerts/s through the pure correlator and end to end from the alerts
// topic on a real Kafka broker, and memory per open alert. Prints figures; asserts nothing.
//
//   npm run bench:correlate        (node --expose-gc, starts its own broker)
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import kafkajs from 'kafkajs';
import { KafkaBus } from '@sitrep/bus';
import { alertMessages, readAlert } from '@sitrep/codec';
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
    // Records pre-loaded on one alerts partition for each end-to-end case.
    'e2e-alerts': { type: 'string', default: '200000' },
    // One end-to-end case and fewer records: a few minutes, for bench:compare --quick.
    quick: { type: 'boolean', default: false },
    // Only the end-to-end cases (for a CPU profile of the service alone): no ratios, no heap.
    'e2e-only': { type: 'boolean', default: false },
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
 * A stream shaped like a busy fleet: `services` services, each incident `perIncident` alerts
 * from as many instances firing within a minute, resolved 20 minutes later when `resolve` is set.
 */
function* stream(count: number, services: number, resolve: boolean, perIncident = 5): Generator<Alert> {
  for (let index = 0; index < count; index += 1) {
    const service = `svc-${index % services}`;
    const wave = Math.floor(index / (services * perIncident));
    const labels = normaliseLabels({
      alertname: SIGNALS[index % SIGNALS.length] ?? 'Other',
      service,
      instance: `${service}-${Math.floor(index / services) % perIncident}:8080`,
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

const benchWebhook = (() => {
  const parsed = parseAlertmanagerWebhook(webhookBody([]));
  if (!parsed.ok) throw new Error('bad webhook');
  return parsed.value;
})();

/** The alert as the correlator service gets it: encoded as ingest writes it, then read back. */
function asConsumed(alert: Alert): Alert {
  const [message] = alertMessages(
    [alert],
    { ...benchWebhook, groupKey: groupKeyOf(alert.labels) },
    DEFAULT_CORRELATION_SETTINGS,
    {},
  );
  if (!message) throw new Error('no record');
  const read = readAlert({
    topic: 'alerts',
    partition: 0,
    offset: '0',
    key: message.key,
    value: message.value,
    headers: message.headers,
  });
  if (!read.ok) throw new Error(read.detail);
  return read.value;
}

function memoryPerOpenAlert(open: number): { bytesPerAlert: number; snapshotBytes: number } {
  gc();
  const before = process.memoryUsage().heapUsed;
  const correlator = new Correlator(DEFAULT_CORRELATION_SETTINGS);
  // Generated one at a time, and read back from its record as the service reads it (the strings
  // of a parsed record are flat, unlike the generator's): the heap then holds only what the
  // correlator keeps of each alert, as it would in the service.
  for (const alert of stream(open, Math.max(10, open / 50), false)) correlator.applyAlert(asConsumed(alert));
  gc();
  const after = process.memoryUsage().heapUsed;
  // As stored on the state topic: gzipped JSON in base64.
  const snapshotBytes = gzipSync(JSON.stringify(correlator.snapshot())).toString('base64').length;
  if (correlator.openIncidentCount() === 0) throw new Error('no open incident: the stream is wrong');
  return { bytesPerAlert: (after - before) / open, snapshotBytes };
}

interface EndToEnd {
  readonly recordsPerSecond: number;
  readonly records: number;
  readonly events: number;
  readonly batches: number;
  readonly seconds: number;
}

/**
 * The correlator service from the alerts topic: `count` records pre-loaded on partition 0 (one
 * partition is one correlator's serial path), the service started cold, the clock started at its
 * first applied record and stopped when all are applied, each batch one Kafka transaction
 * (events, changed state parts, position).
 */
async function endToEnd(bootstrap: string, count: number, perIncident: number): Promise<EndToEnd> {
  const { logger } = createMemoryLogger('error');
  const prefix = `${uniqueName('bench')}.`;
  const reader = new EnvReader({ KAFKA_BROKERS: bootstrap, SITREP_TOPIC_PREFIX: prefix, SITREP_AUTH: 'disabled' });
  const config = loadIngestConfig(reader);
  const bus = new KafkaBus({ brokers: [bootstrap], clientId: 'bench', publishTimeoutMs: 30_000, logger });
  await bus.start(ingestTopics(config));
  const alertsTopic = topicNames(prefix).alerts;

  // Pre-load the alerts topic with the records ingest would write, then time the correlator alone.
  const kafka = new kafkajs.Kafka({ brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  const webhook = parseAlertmanagerWebhook(webhookBody([]));
  if (!webhook.ok) throw new Error('bad webhook');
  const services = Math.max(10, Math.min(500, Math.floor(count / 2 / perIncident / 4)));
  const alerts = [...stream(count / 2, services, true, perIncident)].sort(
    (a, b) => a.receivedAt.getTime() - b.receivedAt.getTime(),
  );
  for (let offset = 0; offset < alerts.length; offset += 500) {
    await producer.send({
      topic: alertsTopic,
      acks: -1,
      // One notification per alert: its group's key, as Alertmanager would send it.
      messages: alerts
        .slice(offset, offset + 500)
        .flatMap((alert) =>
          alertMessages([alert], { ...webhook.value, groupKey: groupKeyOf(alert.labels) }, config.correlation, {}),
        )
        .map((message) => ({ ...message, partition: 0 })),
    });
  }
  await producer.disconnect();

  const registry = createMetricsRegistry({ service: 'bench', processMetrics: false });
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
  const counter = async (name: string, keep: (labels: Partial<Record<string, string | number>>) => boolean) =>
    ((await registry.getSingleMetric(name)?.get())?.values ?? [])
      .filter((value) => keep(value.labels))
      .reduce((sum, value) => sum + value.value, 0);
  const applied = () =>
    counter(
      'sitrep_correlator_records_total',
      (labels) => labels.outcome === 'applied' && labels.topic === alertsTopic,
    );
  await waitFor(async () => (await applied()) > 0, { timeoutMs: 120_000, intervalMs: 5, description: 'a first batch' });
  const started = performance.now();
  await waitFor(async () => (await applied()) >= alerts.length, {
    timeoutMs: 900_000,
    intervalMs: 20,
    description: 'all records',
  });
  const seconds = (performance.now() - started) / 1000;
  const events = await counter('sitrep_correlator_incident_events_total', () => true);
  const batches = ((await registry.getSingleMetric('sitrep_correlator_batch_duration_seconds')?.get())?.values ?? [])
    .filter((value) => (value as { metricName?: string }).metricName?.endsWith('_count'))
    .reduce((sum, value) => sum + value.value, 0);
  await correlator.close();
  await bus.deleteTopics(Object.values(topicNames(prefix)));
  await bus.close();
  return { recordsPerSecond: alerts.length / seconds, records: alerts.length, events, batches, seconds };
}

const quick = args.quick;
const domainRecords = quick ? 50_000 : Number(args.alerts);
const e2eRecords = quick ? 50_000 : Number(args['e2e-alerts']);
const e2eOnly = args['e2e-only'];
const domain = e2eOnly ? { alertsPerSecond: Number.NaN, events: 0 } : domainThroughput(domainRecords);
const tenK = e2eOnly ? { bytesPerAlert: Number.NaN, snapshotBytes: Number.NaN } : memoryPerOpenAlert(10_000);
const hundredK = e2eOnly ? tenK : memoryPerOpenAlert(100_000);
const broker = await startKafkaBroker({ heapMb: 1024 });
const e2e: { perIncident: number; result: EndToEnd }[] = [];
try {
  for (const perIncident of quick ? [5] : [5, 10, 100, 1000]) {
    e2e.push({ perIncident, result: await endToEnd(broker.bootstrap, e2eRecords, perIncident) });
  }
} finally {
  await broker.close();
}
const [headline] = e2e;
const ratio = (value: number) => `${(value / domain.alertsPerSecond).toFixed(2)}x`;
process.stdout.write(
  [
    `Node ${process.versions.node}, Kafka ${KAFKA_VERSION} (one broker) on loopback`,
    '',
    '| measure | figure | / correlator alone |',
    '| --- | ---: | ---: |',
    `| correlator alone, records/s (${domainRecords} firing+resolved records, 1000 services, 5 alerts an incident) | ${domain.alertsPerSecond.toFixed(0)} | 1.00x |`,
    ...e2e.map(
      ({ perIncident, result }) =>
        `| end to end from one alerts partition, records/s (${result.records} records, ${perIncident} alerts an incident; ${result.batches} transactions, ${result.events} events, ${result.seconds.toFixed(1)} s) | ${result.recordsPerSecond.toFixed(0)} | ${ratio(result.recordsPerSecond)} |`,
    ),
    `| heap per open alert, 10k open | ${(tenK.bytesPerAlert / 1024).toFixed(2)} KiB | |`,
    `| heap per open alert, 100k open | ${(hundredK.bytesPerAlert / 1024).toFixed(2)} KiB | |`,
    `| whole state (gzip+base64, as v1 stored it), 10k open alerts | ${(tenK.snapshotBytes / 2 ** 20).toFixed(1)} MiB | |`,
    `| whole state (gzip+base64, as v1 stored it), 100k open alerts | ${(hundredK.snapshotBytes / 2 ** 20).toFixed(1)} MiB | |`,
    '',
    headline
      ? `target: >= 50,000 records/s per partition end to end (now ${headline.result.recordsPerSecond.toFixed(0)}), <= 1 KiB heap per open alert (now ${(hundredK.bytesPerAlert / 1024).toFixed(2)})`
      : '',
    '',
  ].join('\n'),
);
