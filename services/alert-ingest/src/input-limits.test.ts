import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { Express } from 'express';
import { ConfigError, EnvReader, type Env } from '@sitrep/config';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import { FakeClock } from '@sitrep/testkit';
import { faultyEmbeddedBus, type FaultyBus } from '@sitrep/bus/testing';
import { createApp } from './app.js';
import { loadIngestConfig } from './config.js';
import { DEFAULT_INPUT_LIMITS } from './input-limits.js';
import { BATCH_OVERHEAD_BYTES, planPublish, recordBytes } from './publish-size.js';
import { ingestTopics } from './service.js';

const TOKEN = 'tok-limits-5b1e';
const NOW = '2026-11-22T06:00:30.000Z';
const ALERTS = '/api/v1/alertmanager';
const CHANGES = '/api/v1/changes';

interface Harness {
  readonly app: Express;
  readonly bus: FaultyBus;
}

interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly field?: string;
    readonly details?: readonly { readonly field: string; readonly message: string }[];
    readonly detailCount?: number;
  };
}

const buses: FaultyBus[] = [];

async function setup(env: Env = {}): Promise<Harness> {
  const reader = new EnvReader({ SITREP_INGEST_BEARER_TOKEN: TOKEN, ...env });
  const config = loadIngestConfig(reader);
  reader.finish();
  const bus = faultyEmbeddedBus({ logger: createMemoryLogger('error').logger });
  buses.push(bus);
  await bus.start(ingestTopics(config));
  const app = createApp({
    config,
    bus,
    clock: new FakeClock(NOW),
    logger: createMemoryLogger('error').logger,
    registry: createMetricsRegistry({ service: 'alert-ingest', processMetrics: false }),
    readiness: [],
  });
  return { app, bus };
}

afterEach(async () => {
  for (const bus of buses.splice(0)) await bus.close();
});

const alert = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  status: 'firing',
  labels: { alertname: 'HighErrorRate', service: 'auth' },
  annotations: { summary: 'errors' },
  startsAt: '2026-11-22T06:00:00Z',
  endsAt: '0001-01-01T00:00:00Z',
  ...overrides,
});

const notification = (alerts: readonly unknown[], overrides: Record<string, unknown> = {}) => ({
  version: '4',
  groupKey: '{}:{alertname="HighErrorRate"}',
  status: 'firing',
  receiver: 'sitrep',
  groupLabels: { alertname: 'HighErrorRate' },
  commonLabels: {},
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  truncatedAlerts: 0,
  alerts,
  ...overrides,
});

const post = (app: Express, path: string, body: unknown) =>
  request(app)
    .post(path)
    .set('Authorization', `Bearer ${TOKEN}`)
    .send(body as object);

const errorOf = (res: request.Response): ErrorBody['error'] => (res.body as ErrorBody).error;

/** The published records, read back from the bus. */
const stored = async (bus: FaultyBus, topic: string) => (await bus.readAll(topic)).length;

describe('input limits at the edge', () => {
  it.each([
    [
      'a label value',
      { labels: { alertname: 'A', service: 'x'.repeat(16 * 1024 + 1) } },
      'alerts[0].labels.service',
      'SITREP_INGEST_MAX_LABEL_VALUE_BYTES',
    ],
    [
      'a label name',
      { labels: { alertname: 'A', ['n'.repeat(1025)]: 'v' } },
      'alerts[0].labels.nnnn',
      'SITREP_INGEST_MAX_LABEL_NAME_BYTES',
    ],
    [
      'the labels per alert',
      { labels: Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`l${i}`, 'v'])) },
      'alerts[0].labels',
      'SITREP_INGEST_MAX_LABELS',
    ],
    [
      'an annotation',
      { annotations: { description: 'é'.repeat(32 * 1024 + 1) } },
      'alerts[0].annotations.description',
      'SITREP_INGEST_MAX_ANNOTATION_BYTES',
    ],
    [
      'a generatorURL',
      { generatorURL: `http://p/${'g'.repeat(64 * 1024)}` },
      'alerts[0].generatorURL',
      'SITREP_INGEST_MAX_ANNOTATION_BYTES',
    ],
  ])(
    'refuses %s over its limit with 400, naming the field and the limit, and stores nothing',
    async (_, change, field, variable) => {
      const { app, bus } = await setup({ SITREP_INGEST_MAX_BODY: '4mb' });
      const res = await post(app, ALERTS, notification([alert(), alert(change)]));
      expect(res.status).toBe(400);
      expect(errorOf(res).code).toBe('invalid_payload');
      const details = errorOf(res).details ?? [];
      expect(details).toHaveLength(1);
      expect(details[0]?.field.startsWith(field.replace('[0]', '[1]'))).toBe(true);
      expect(details[0]?.message).toContain(variable);
      expect(bus.publishes).toHaveLength(0);
    },
  );

  it('checks group labels, common annotations and the groupKey too', async () => {
    const { app } = await setup({ SITREP_INGEST_MAX_LABEL_VALUE_BYTES: '8', SITREP_INGEST_MAX_ANNOTATION_BYTES: '16' });
    const res = await post(
      app,
      ALERTS,
      notification([alert({ labels: { alertname: 'A' }, annotations: {} })], {
        groupKey: 'g'.repeat(17),
        groupLabels: { alertname: 'HighErrorRate' },
        commonAnnotations: { summary: 's'.repeat(17) },
      }),
    );
    expect(res.status).toBe(400);
    expect(errorOf(res).details?.map((detail) => detail.field)).toEqual([
      'groupKey',
      'externalURL',
      'groupLabels.alertname',
      'commonAnnotations.summary',
    ]);
  });

  it('takes values at the limit exactly, limits from the environment', async () => {
    const { app } = await setup({ SITREP_INGEST_MAX_LABEL_VALUE_BYTES: '4', SITREP_INGEST_MAX_LABELS: '2' });
    const small = { groupLabels: {}, groupKey: 'g', externalURL: '' };
    const four = alert({ labels: { alertname: 'Four', service: 'auth' }, annotations: {} });
    expect((await post(app, ALERTS, notification([four], small))).status).toBe(200);
    const three = alert({ labels: { alertname: 'Four', service: 'auth', x: 'y' }, annotations: {} });
    const over = await post(app, ALERTS, notification([three], small));
    expect(errorOf(over).details?.[0]?.message).toBe('is 3 entries, over the limit of 2 (SITREP_INGEST_MAX_LABELS)');
  });

  it('answers a 300 KB body of 75,000 empty alerts with a short 413, before parsing them', async () => {
    const { app, bus } = await setup();
    const body = notification(Array.from({ length: 75_000 }, () => ({})));
    expect(JSON.stringify(body).length).toBeLessThan(300 * 1024);
    const res = await post(app, ALERTS, body);
    expect(res.status).toBe(413);
    expect(errorOf(res).field).toBe('alerts');
    expect(errorOf(res).message).toContain('SITREP_INGEST_MAX_ALERTS');
    expect(res.text.length).toBeLessThan(2048);
    expect(bus.publishes).toHaveLength(0);
  });

  it('lists at most 20 of the problems of 75,000 empty alerts when the count is allowed, and their total', async () => {
    const { app } = await setup({ SITREP_INGEST_MAX_ALERTS: '100000' });
    const res = await post(app, ALERTS, notification(Array.from({ length: 75_000 }, () => ({}))));
    expect(res.status).toBe(400);
    expect(errorOf(res).details).toHaveLength(20);
    expect(errorOf(res).detailCount).toBeGreaterThanOrEqual(75_000 * 3);
    expect(res.text.length).toBeLessThan(8192);
  });

  it('refuses an alert dated in the future beyond the clock skew, or in year 0000, with 400', async () => {
    const { app, bus } = await setup();
    for (const [startsAt, field] of [
      ['9999-12-31T00:00:00Z', 'alerts[0].startsAt'],
      ['2026-11-22T06:05:31Z', 'alerts[0].startsAt'],
      ['0000-01-01T00:00:00Z', 'alerts[0].startsAt'],
    ] as const) {
      const res = await post(app, ALERTS, notification([alert({ startsAt })]));
      expect(res.status, startsAt).toBe(400);
      expect(errorOf(res).field, startsAt).toBe(field);
    }
    const resolvedLater = alert({ status: 'resolved', endsAt: '2026-11-22T07:00:00Z' });
    expect(errorOf(await post(app, ALERTS, notification([resolvedLater]))).field).toBe('alerts[0].endsAt');
    expect(bus.publishes).toHaveLength(0);
    // Within the skew (SITREP_ALERT_MAX_SKEW_MS, 5 min by default) it is fine.
    expect((await post(app, ALERTS, notification([alert({ startsAt: '2026-11-22T06:05:30Z' })]))).status).toBe(200);
  });

  it('reads the skew from SITREP_ALERT_MAX_SKEW_MS', async () => {
    const { app } = await setup({ SITREP_ALERT_MAX_SKEW_MS: '0' });
    const res = await post(app, ALERTS, notification([alert({ startsAt: '2026-11-22T06:00:30.001Z' })]));
    expect(errorOf(res).message).toContain('SITREP_ALERT_MAX_SKEW_MS');
  });

  it('refuses change labels and links over their limits', async () => {
    const { app, bus } = await setup({ SITREP_INGEST_MAX_LABELS: '1', SITREP_INGEST_MAX_ANNOTATION_BYTES: '32' });
    const res = await post(app, CHANGES, {
      service: 'auth',
      kind: 'deploy',
      summary: 'v2',
      at: '2026-11-22T06:00:00Z',
      labels: { team: 'identity', env: 'prod' },
      link: `https://ci.example/${'x'.repeat(32)}`,
    });
    expect(res.status).toBe(400);
    expect(errorOf(res).details?.map((detail) => detail.field)).toEqual(['labels', 'link']);
    expect(bus.publishes).toHaveLength(0);
  });
});

describe('records and the bus message size', () => {
  it('refuses with 413, before anything is written, a notification with one record too large for the bus', async () => {
    const { app, bus } = await setup({ SITREP_BUS_MAX_MESSAGE_BYTES: '8kb' });
    const big = alert({
      labels: { alertname: 'Big', service: 'auth' },
      annotations: { description: 'd'.repeat(9000) },
    });
    const res = await post(app, ALERTS, notification([alert(), big]));
    expect(res.status).toBe(413);
    expect(errorOf(res).code).toBe('payload_too_large');
    expect(errorOf(res).field).toBe('alerts[1]');
    expect(errorOf(res).details?.[0]?.message).toMatch(
      /the alert Big .* over the bus's limit of 8192 \(SITREP_BUS_MAX_MESSAGE_BYTES\)/,
    );
    expect(bus.publishes).toHaveLength(0);
    expect(await stored(bus, 'sitrep.alerts.v1')).toBe(0);
  });

  it('splits many records into produce requests each within the message size, in order, all stored', async () => {
    const { app, bus } = await setup({ SITREP_BUS_MAX_MESSAGE_BYTES: '8kb' });
    const alerts = Array.from({ length: 40 }, (_, index) =>
      alert({
        labels: { alertname: 'Many', service: 'auth', pod: `pod-${index}` },
        annotations: { d: 'x'.repeat(500) },
      }),
    );
    const res = await post(app, ALERTS, notification(alerts));
    expect(res.status).toBe(200);
    expect(bus.publishes.length).toBeGreaterThan(1);
    for (const call of bus.publishes) {
      const size = call.messages.reduce((sum, message) => sum + recordBytes(message), BATCH_OVERHEAD_BYTES);
      expect(size).toBeLessThanOrEqual(8192);
    }
    const published = bus.publishes.flatMap((call) => call.messages.map((message) => message.headers?.['sitrep-id']));
    expect(published).toEqual((res.body as { ids: string[] }).ids);
    expect(await stored(bus, 'sitrep.alerts.v1')).toBe(40);
  });

  it('refuses with 413 a notification whose records together exceed SITREP_INGEST_MAX_PUBLISH_BYTES', async () => {
    const { app, bus } = await setup({ SITREP_INGEST_MAX_PUBLISH_BYTES: '16kb' });
    const alerts = Array.from({ length: 40 }, (_, index) =>
      alert({ labels: { alertname: 'Many', pod: `pod-${index}` }, annotations: { d: 'x'.repeat(500) } }),
    );
    const res = await post(app, ALERTS, notification(alerts));
    expect(res.status).toBe(413);
    expect(errorOf(res).message).toContain('SITREP_INGEST_MAX_PUBLISH_BYTES');
    expect(bus.publishes).toHaveLength(0);
  });

  it('refuses with 413 a change whose record is too large for the bus', async () => {
    const { app, bus } = await setup({ SITREP_BUS_MAX_MESSAGE_BYTES: '4kb' });
    const labels = Object.fromEntries(Array.from({ length: 8 }, (_, index) => [`l${index}`, 'v'.repeat(600)]));
    const res = await post(app, CHANGES, {
      service: 'auth',
      kind: 'deploy',
      summary: 'v2',
      at: '2026-11-22T06:00:00Z',
      labels,
    });
    expect(res.status).toBe(413);
    expect(errorOf(res).field).toBe('(body)');
    expect(bus.publishes).toHaveLength(0);
  });

  it('plans nothing for no records, and never puts a record over the limit alone', () => {
    expect(planPublish([], { messageBytes: 4096, publishBytes: 1 << 20 }, () => ({ field: 'x', what: 'y' }))).toEqual(
      [],
    );
    const message = (value: string) => ({ key: 'k', value, headers: { 'sitrep-id': 'id' } });
    const chunks = planPublish(
      [message('a'.repeat(1000)), message('b'.repeat(3000)), message('c'.repeat(100))],
      { messageBytes: 4096, publishBytes: 1 << 20 },
      () => ({ field: 'x', what: 'y' }),
    );
    expect(chunks.map((chunk) => chunk.map((m) => m.value[0]))).toEqual([['a'], ['b', 'c']]);
  });
});

describe('limits configuration', () => {
  const load = (env: Env) => {
    const reader = new EnvReader({ SITREP_INGEST_BEARER_TOKEN: TOKEN, ...env });
    const config = loadIngestConfig(reader);
    reader.finish();
    return config.limits;
  };

  it('has defaults no real Alertmanager reaches', () => {
    expect(load({})).toEqual(DEFAULT_INPUT_LIMITS);
    expect(DEFAULT_INPUT_LIMITS).toMatchObject({
      labelNameBytes: 1024,
      labelValueBytes: 16_384,
      labelsPerSet: 256,
      annotationBytes: 65_536,
      alertsPerNotification: 10_000,
      publishBytes: 16 * 1024 * 1024,
      messageBytes: 1024 * 1024,
      alertSkewMs: 300_000,
    });
  });

  it('reads each from its variable, sizes with units', () => {
    expect(
      load({
        SITREP_INGEST_MAX_LABEL_NAME_BYTES: '2kb',
        SITREP_INGEST_MAX_LABEL_VALUE_BYTES: '32kb',
        SITREP_INGEST_MAX_LABELS: '64',
        SITREP_INGEST_MAX_ANNOTATION_BYTES: '1mb',
        SITREP_INGEST_MAX_ALERTS: '500',
        SITREP_INGEST_MAX_PUBLISH_BYTES: '64mb',
        SITREP_BUS_MAX_MESSAGE_BYTES: '8mb',
        SITREP_ALERT_MAX_SKEW_MS: '60000',
      }),
    ).toEqual({
      labelNameBytes: 2048,
      labelValueBytes: 32_768,
      labelsPerSet: 64,
      annotationBytes: 1024 * 1024,
      alertsPerNotification: 500,
      publishBytes: 64 * 1024 * 1024,
      messageBytes: 8 * 1024 * 1024,
      alertSkewMs: 60_000,
    });
  });

  it('refuses bad values naming the variable', () => {
    try {
      load({ SITREP_INGEST_MAX_ALERTS: '0', SITREP_BUS_MAX_MESSAGE_BYTES: '1kb', SITREP_INGEST_MAX_LABELS: 'many' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((issue) => issue.variable).sort()).toEqual([
        'SITREP_BUS_MAX_MESSAGE_BYTES',
        'SITREP_INGEST_MAX_ALERTS',
        'SITREP_INGEST_MAX_LABELS',
      ]);
    }
  });
});
