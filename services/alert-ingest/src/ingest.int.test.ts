import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaBus, type Bus, type IncomingMessage, type Subscription } from '@sitrep/bus';
import { parseAlertRecord, topicNames } from '@sitrep/contracts';
import { createMemoryLogger } from '@sitrep/telemetry';
import { startTracing, type Tracing } from '@sitrep/telemetry/sdk';
import { alertBatch, startKafkaBroker, testKafkaBrokers, uniqueName, waitFor, webhookBody } from '@sitrep/testkit';
import { ingestConfig, send, startIngest } from './ingest-harness.fixture.js';
import type { AlertIngest } from './service.js';

const { logger } = createMemoryLogger('error');
const spans = new InMemorySpanExporter();
let tracing: Tracing;

beforeAll(() => {
  tracing = startTracing({ serviceName: 'ingest-int-test', exporter: spans });
});
afterAll(async () => {
  await tracing.shutdown();
});

async function startOnKafka(brokers: string, prefix: string, extra: Record<string, string> = {}) {
  const config = ingestConfig({
    KAFKA_BROKERS: brokers,
    SITREP_TOPIC_PREFIX: prefix,
    SITREP_TOPIC_PARTITIONS: '3',
    ...extra,
  });
  const bus = new KafkaBus({
    brokers: [brokers],
    clientId: uniqueName('ingest'),
    publishTimeoutMs: config.platform.publishTimeoutMs,
    logger,
  });
  return { ingest: await startIngest(config, bus), bus };
}

const post = (ingest: AlertIngest, body: unknown, path = '/api/v1/alertmanager'): Promise<Response> =>
  send(ingest, path, body);

async function consume(bus: Bus, topic: string, into: IncomingMessage[]): Promise<Subscription> {
  return bus.subscribe({
    groupId: uniqueName('reader'),
    topics: [topic],
    fromBeginning: true,
    eachMessage: (message) => {
      into.push(message);
      return Promise.resolve();
    },
  });
}

describe('alert-ingest on a real Kafka broker', () => {
  let ingest: AlertIngest;
  let bus: Bus;
  const prefix = `${uniqueName('it')}.`;
  const topics = topicNames(prefix);

  beforeAll(async () => {
    ({ ingest, bus } = await startOnKafka(testKafkaBrokers(), prefix));
  });
  afterAll(async () => {
    await ingest.close();
    await bus.close();
  });

  it('puts every alert of a webhook on the alerts topic, keyed by scope, with id, schema and trace headers', async () => {
    const alerts = [
      ...alertBatch(3),
      { labels: { alertname: 'DiskFull', instance: 'db-1' }, startsAt: '2026-11-22T03:01:00Z' },
    ];
    const response = await post(ingest, webhookBody(alerts));
    expect(response.status).toBe(200);
    const reply = (await response.json()) as { alerts: number; ids: string[] };
    expect(reply.alerts).toBe(4);

    const received: IncomingMessage[] = [];
    const subscription = await consume(bus, topics.alerts, received);
    try {
      await waitFor(() => received.length >= 4, { description: 'four alert records' });
    } finally {
      await subscription.close();
    }
    const records = received.map((message) => {
      const parsed = parseAlertRecord(JSON.parse(message.value));
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
      return { message, record: parsed.value };
    });
    expect(new Set(records.map(({ record }) => record.id))).toEqual(new Set(reply.ids));
    for (const { message, record } of records) {
      expect(message.headers['sitrep-id']).toBe(record.id);
      expect(message.headers['sitrep-schema']).toBe('sitrep.alert.v1');
      expect(message.key).toBe(record.scope.value);
      // The producer span's trace id travels in the W3C traceparent header.
      const traceId = message.headers.traceparent?.split('-')[1];
      const trace = spans.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
      // One trace from the HTTP request (SERVER) to the Kafka publish (PRODUCER); the correlator's
      // CONSUMER span joins it too once it has read the record.
      const kinds = trace.map((span) => span.kind);
      expect(kinds).toContain(SpanKind.SERVER);
      expect(kinds).toContain(SpanKind.PRODUCER);
    }
    const disk = records.find(({ record }) => record.labels.alertname === 'DiskFull');
    expect(disk?.record.scope).toEqual({ label: 'alertname', value: 'DiskFull', qualifiers: {} });
    expect(records.filter(({ message }) => message.key === 'auth')).toHaveLength(3);
    // Same key, same partition: related alerts stay in order for the correlator.
    expect(
      new Set(records.filter(({ message }) => message.key === 'auth').map(({ message }) => message.partition)).size,
    ).toBe(1);
  });

  it('records re-deliveries (Alertmanager repeats, HA duplicates) with the same ids, so consumers can drop them', async () => {
    const body = webhookBody(alertBatch(2, '2026-11-22T04:00:00Z'));
    const first = (await (await post(ingest, body)).json()) as { ids: string[] };
    const second = (await (await post(ingest, body)).json()) as { ids: string[] };
    expect(second.ids).toEqual(first.ids);

    const received: IncomingMessage[] = [];
    const subscription = await consume(bus, topics.alerts, received);
    try {
      await waitFor(
        () => received.filter((message) => first.ids.includes(message.headers['sitrep-id'] ?? '')).length >= 4,
        {
          description: 'both deliveries',
        },
      );
    } finally {
      await subscription.close();
    }
    const ours = received.filter((message) => first.ids.includes(message.headers['sitrep-id'] ?? ''));
    expect(ours).toHaveLength(4);
    expect(new Set(ours.map((message) => message.headers['sitrep-id'])).size).toBe(2);
  });

  it('publishes change events to the changes topic', async () => {
    const response = await post(
      ingest,
      { service: 'auth-lb', kind: 'config', summary: 'lb weights changed', at: new Date().toISOString() },
      '/api/v1/changes',
    );
    expect(response.status).toBe(200);
    const { id } = (await response.json()) as { id: string };
    const received: IncomingMessage[] = [];
    const subscription = await consume(bus, topics.changes, received);
    try {
      await waitFor(() => received.find((message) => message.headers['sitrep-id'] === id), {
        description: 'the change',
      });
    } finally {
      await subscription.close();
    }
    expect(received[0]?.key).toBe('auth-lb');
  });
});

describe("alert-ingest and the broker's message size (max.message.bytes, 1 MiB by default)", () => {
  let ingest: AlertIngest;
  let bus: Bus;
  const prefix = `${uniqueName('size')}.`;
  const topics = topicNames(prefix);

  beforeAll(async () => {
    ({ ingest, bus } = await startOnKafka(testKafkaBrokers(), prefix, {
      SITREP_INGEST_MAX_BODY: '8mb',
      SITREP_INGEST_MAX_ANNOTATION_BYTES: '2mb',
    }));
  });
  afterAll(async () => {
    await ingest.close();
    await bus.close();
  });

  it('stores a notification whose records together exceed it, split into several produce requests, in order', async () => {
    // One service, so one partition: kafkajs would send all 1,500 records (about 2 MB) as one batch.
    const alerts = Array.from({ length: 1500 }, (_, index) => ({
      labels: { alertname: 'PodNotReady', service: 'auth', pod: `auth-${index}` },
      annotations: { description: `pod ${index} ${'is not ready '.repeat(80)}` },
      startsAt: '2026-11-22T03:00:00Z',
    }));
    const response = await post(ingest, webhookBody(alerts));
    expect(response.status).toBe(200);
    const { ids } = (await response.json()) as { ids: string[] };
    const received: IncomingMessage[] = [];
    const subscription = await consume(bus, topics.alerts, received);
    try {
      await waitFor(() => received.length >= 1500, { description: '1,500 alert records', timeoutMs: 60_000 });
    } finally {
      await subscription.close();
    }
    expect(received.map((message) => message.headers['sitrep-id'])).toEqual(ids);
  });

  it('refuses with 413, writing nothing, a notification with one record over it', async () => {
    const alerts = [
      { labels: { alertname: 'Small', service: 'users-db' }, startsAt: '2026-11-22T03:00:00Z' },
      {
        labels: { alertname: 'Huge', service: 'users-db' },
        annotations: { description: 'x'.repeat(1100 * 1024) },
        startsAt: '2026-11-22T03:00:00Z',
      },
    ];
    const response = await post(ingest, webhookBody(alerts));
    expect(response.status).toBe(413);
    const { error } = (await response.json()) as { error: { code: string; field: string } };
    expect(error).toMatchObject({ code: 'payload_too_large', field: 'alerts[1]' });
    const ends = await bus.readAll(topics.alerts);
    expect(ends.filter((message) => message.key === 'users-db')).toEqual([]);
  });
});

describe('alert-ingest while Kafka is down', () => {
  it('answers 503 with Retry-After while the broker is stopped, and 200 once it is back', async () => {
    const broker = await startKafkaBroker();
    const prefix = `${uniqueName('outage')}.`;
    const { ingest, bus } = await startOnKafka(broker.bootstrap, prefix, {
      SITREP_PUBLISH_TIMEOUT_MS: '3000',
      SITREP_RETRY_AFTER_SECONDS: '7',
    });
    try {
      const body = webhookBody(alertBatch(3));
      expect((await post(ingest, body)).status).toBe(200);

      await broker.stop();
      const during = await post(ingest, body);
      expect(during.status).toBe(503);
      expect(during.headers.get('retry-after')).toBe('7');
      expect(((await during.json()) as { error: { code: string } }).error.code).toBe('unavailable');
      const ready = await fetch(`${ingest.url}/readyz`);
      expect(ready.status).toBe(503);

      await broker.start();
      // Alertmanager retries with backoff; so do we, until the producer has reconnected.
      const after = await waitFor(
        async () => {
          const response = await post(ingest, body);
          return response.status === 200 ? response : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500, description: '200 after the broker returned' },
      );
      expect(after.status).toBe(200);
    } finally {
      await ingest.close();
      await bus.close();
      await broker.close();
    }
  });
});
