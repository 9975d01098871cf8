import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { Express } from 'express';
import type { Registry } from 'prom-client';
import { BusError } from '@sitrep/bus';
import { EnvReader, type Env } from '@sitrep/config';
import { parseAlertRecord, type AlertRecordV1, type ChangeRecordV1 } from '@sitrep/contracts';
import type { ReadinessCheck } from '@sitrep/http';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import { FakeClock, waitFor } from '@sitrep/testkit';
import { faultyEmbeddedBus, type FaultyBus } from '@sitrep/bus/testing';
import { createApp } from './app.js';
import { loadIngestConfig } from './config.js';
import { ingestTopics } from './service.js';

const TOKEN = 'tok-4f9a1c';
const BASIC_USER = 'alertmanager';
const BASIC_PASSWORD = 'pa:ss-7';
const RETRY_AFTER_SECONDS = 7;
const NOW = '2026-11-22T06:00:30.000Z';
const ALERTS_PATH = '/api/v1/alertmanager';
const CHANGES_PATH = '/api/v1/changes';

const BEARER = `Bearer ${TOKEN}`;
const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;

interface Harness {
  readonly app: Express;
  /** The real embedded bus with the ingest topics, and faults on demand. */
  readonly bus: FaultyBus;
  readonly clock: FakeClock;
  readonly registry: Registry;
  readonly lines: Record<string, unknown>[];
}

const buses: FaultyBus[] = [];

async function setup(env: Env = {}, readiness: readonly ReadinessCheck[] = []): Promise<Harness> {
  const reader = new EnvReader({
    SITREP_INGEST_BEARER_TOKEN: TOKEN,
    SITREP_INGEST_BASIC_AUTH: `${BASIC_USER}:${BASIC_PASSWORD}`,
    SITREP_RETRY_AFTER_SECONDS: String(RETRY_AFTER_SECONDS),
    ...env,
  });
  const config = loadIngestConfig(reader);
  reader.finish();
  const registry = createMetricsRegistry({ service: 'alert-ingest', processMetrics: false });
  const { logger, lines } = createMemoryLogger();
  const clock = new FakeClock(NOW);
  const bus = faultyEmbeddedBus({ logger: createMemoryLogger('error').logger });
  buses.push(bus);
  await bus.start(ingestTopics(config));
  const app = createApp({ config, bus, clock, logger, registry, readiness });
  return { app, bus, clock, registry, lines };
}

afterEach(async () => {
  for (const bus of buses.splice(0)) await bus.close();
});

interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly field?: string;
    readonly details?: readonly { readonly field: string; readonly message: string }[];
  };
}

interface AcceptedAlerts {
  readonly status: string;
  readonly alerts: number;
  readonly ids: readonly string[];
}

interface AcceptedChange {
  readonly status: string;
  readonly id: string;
}

const errorOf = (res: request.Response): ErrorBody['error'] => (res.body as ErrorBody).error;

function firingAlert(labels: Record<string, string>, fingerprint?: string): Record<string, unknown> {
  return {
    status: 'firing',
    labels,
    annotations: { summary: `${labels.alertname ?? 'alert'} is firing` },
    startsAt: '2026-11-22T06:00:00.123456789Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus:9090/graph?g0.expr=up',
    ...(fingerprint === undefined ? {} : { fingerprint }),
  };
}

function webhook(alerts: readonly Record<string, unknown>[] = [highErrorRate()]): Record<string, unknown> {
  return {
    receiver: 'sitrep',
    status: 'firing',
    alerts,
    groupLabels: { alertname: 'HighErrorRate' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    truncatedAlerts: 0,
  };
}

function highErrorRate(): Record<string, unknown> {
  return firingAlert({ alertname: 'HighErrorRate', service: 'auth', severity: 'page' }, 'e76d76b22322c3fc');
}

function change(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    service: 'auth',
    kind: 'deploy',
    summary: 'auth v1.4.2',
    at: '2026-11-22T05:55:00Z',
    labels: { team: 'identity' },
    link: 'https://ci.example/pipelines/4711',
    ...overrides,
  };
}

const postAlerts = (app: Express, body: unknown = webhook()) =>
  request(app)
    .post(ALERTS_PATH)
    .set('Authorization', BEARER)
    .send(body as object);

/** The value of the sample of `name` whose labels include every pair in `labels`. */
function sampleValue(exposition: string, name: string, labels: Readonly<Record<string, string>>): number | undefined {
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)\{(.*)\} (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const pairs = match[2] ?? '';
    if (Object.entries(labels).every(([label, value]) => pairs.includes(`${label}="${value}"`))) {
      return Number(match[3]);
    }
  }
  return undefined;
}

describe('POST /api/v1/alertmanager: authentication', () => {
  it('answers 401 with a challenge for every accepted scheme when no credentials are sent', async () => {
    const { app, bus } = await setup();
    const res = await request(app).post(ALERTS_PATH).send(webhook());
    expect(res.status).toBe(401);
    expect(errorOf(res).code).toBe('unauthorized');
    const challenge = res.get('WWW-Authenticate');
    expect(challenge).toContain('Bearer realm="sitrep"');
    expect(challenge).toContain('Basic realm="sitrep"');
    expect(bus.publishes).toEqual([]);
  });

  it.each([
    ['a wrong bearer token', 'Bearer tok-wrong'],
    ['a wrong basic password', basic(BASIC_USER, 'wrong')],
    ['a wrong basic user', basic('prometheus', BASIC_PASSWORD)],
    ['an unknown scheme', `Token ${TOKEN}`],
    ['a bare token', TOKEN],
  ])('answers 401 to %s and publishes nothing', async (_what, authorization) => {
    const { app, bus } = await setup();
    const res = await request(app).post(ALERTS_PATH).set('Authorization', authorization).send(webhook());
    expect(res.status).toBe(401);
    expect(errorOf(res).code).toBe('unauthorized');
    expect(bus.publishes).toEqual([]);
  });

  it('accepts the right bearer token', async () => {
    const { app, bus } = await setup();
    const res = await request(app).post(ALERTS_PATH).set('Authorization', BEARER).send(webhook());
    expect(res.status).toBe(200);
    expect(bus.publishes).toHaveLength(1);
  });

  it('accepts the right basic credentials', async () => {
    const { app, bus } = await setup();
    const res = await request(app)
      .post(ALERTS_PATH)
      .set('Authorization', basic(BASIC_USER, BASIC_PASSWORD))
      .send(webhook());
    expect(res.status).toBe(200);
    expect(bus.publishes).toHaveLength(1);
  });

  it('needs no credentials when auth is disabled', async () => {
    const { app, bus } = await setup({
      SITREP_AUTH: 'disabled',
      SITREP_INGEST_BEARER_TOKEN: undefined,
      SITREP_INGEST_BASIC_AUTH: undefined,
    });
    const res = await request(app).post(ALERTS_PATH).send(webhook());
    expect(res.status).toBe(200);
    expect(bus.publishes).toHaveLength(1);
  });
});

describe('POST /api/v1/alertmanager: request bodies', () => {
  it('answers 415 to a non-JSON content type', async () => {
    const { app, bus } = await setup();
    const res = await request(app)
      .post(ALERTS_PATH)
      .set('Authorization', BEARER)
      .set('Content-Type', 'text/plain')
      .send(JSON.stringify(webhook()));
    expect(res.status).toBe(415);
    expect(errorOf(res).code).toBe('unsupported_media_type');
    expect(bus.publishes).toEqual([]);
  });

  it('accepts application/json with a charset', async () => {
    const { app } = await setup();
    const res = await request(app)
      .post(ALERTS_PATH)
      .set('Authorization', BEARER)
      .set('Content-Type', 'application/json; charset=utf-8')
      .send(JSON.stringify(webhook()));
    expect(res.status).toBe(200);
  });

  it('answers 413 to a body over the limit', async () => {
    const { app, bus } = await setup({ SITREP_INGEST_MAX_BODY: '2kb' });
    const big = webhook([{ ...highErrorRate(), annotations: { description: 'x'.repeat(3000) } }]);
    expect(JSON.stringify(big).length).toBeGreaterThan(2048);
    const res = await postAlerts(app, big);
    expect(res.status).toBe(413);
    expect(errorOf(res).code).toBe('payload_too_large');
    expect(bus.publishes).toEqual([]);
    // A body under the limit still goes through.
    expect((await postAlerts(app)).status).toBe(200);
  });

  it('answers 400 invalid_json to malformed JSON', async () => {
    const { app, bus } = await setup();
    const res = await request(app)
      .post(ALERTS_PATH)
      .set('Authorization', BEARER)
      .set('Content-Type', 'application/json')
      .send('{"version": "4", "alerts": [');
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('invalid_json');
    expect(bus.publishes).toEqual([]);
  });

  it('answers 400 invalid_payload naming every field at fault, and publishes nothing', async () => {
    const { app, bus } = await setup();
    const badStart = { ...highErrorRate(), startsAt: 'soon' };
    const noLabels = { ...highErrorRate(), labels: {} };
    const res = await postAlerts(app, webhook([badStart, noLabels]));
    expect(res.status).toBe(400);
    const error = errorOf(res);
    expect(error.code).toBe('invalid_payload');
    expect(error.field).toBe('alerts[0].startsAt');
    expect(error.details?.map((detail) => detail.field)).toEqual(['alerts[0].startsAt', 'alerts[1].labels']);
    expect(bus.publishes).toEqual([]);
  });

  it.each([
    ['null', '(body)'],
    ['[]', '(body)'],
    ['"x"', '(body)'],
    ['42', '(body)'],
    ['{}', 'version'],
  ])('answers 400 invalid_payload to the JSON body %s and keeps serving', async (text, field) => {
    const { app, bus } = await setup();
    const res = await request(app)
      .post(ALERTS_PATH)
      .set('Authorization', BEARER)
      .set('Content-Type', 'application/json')
      .send(text);
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('invalid_payload');
    expect(errorOf(res).field).toBe(field);
    expect(bus.publishes).toEqual([]);
    expect((await request(app).get('/healthz')).status).toBe(200);
  });
});

describe('POST /api/v1/alertmanager: publishing', () => {
  it('publishes one record per alert and answers 200 with their ids', async () => {
    const { app, bus } = await setup();
    const watchdog = firingAlert({ alertname: 'Watchdog' });
    const res = await postAlerts(app, webhook([highErrorRate(), watchdog]));
    expect(res.status).toBe(200);
    const accepted = res.body as AcceptedAlerts;
    expect(accepted.status).toBe('accepted');
    expect(accepted.alerts).toBe(2);
    expect(accepted.ids).toHaveLength(2);

    expect(bus.publishes).toHaveLength(1);
    const call = bus.publishes[0]!;
    expect(call.topic).toBe('sitrep.alerts.v1');
    expect(call.messages.map((message) => message.key)).toEqual(['auth', 'Watchdog']);

    const records = call.messages.map((message) => {
      const parsed = parseAlertRecord(JSON.parse(message.value ?? ''));
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
      return parsed.value;
    });
    expect(records.map((record) => record.id)).toEqual(accepted.ids);
    call.messages.forEach((message, index) => {
      expect(message.headers?.['sitrep-id']).toBe(accepted.ids[index]);
      expect(message.headers?.['sitrep-schema']).toBe('sitrep.alert.v1');
      expect(message.headers?.['content-type']).toBe('application/json');
    });

    const [auth, other] = records as [AlertRecordV1, AlertRecordV1];
    expect(auth.receivedAt).toBe(NOW);
    expect(other.receivedAt).toBe(NOW);
    expect(auth.fingerprint).toBe('e76d76b22322c3fc');
    expect(auth.startsAt).toBe('2026-11-22T06:00:00.123Z');
    expect(auth.endsAt).toBeNull();
    expect(auth.scope).toEqual({ label: 'service', value: 'auth', qualifiers: {} });
    // Watchdog came without a fingerprint; this is the one Alertmanager 0.25 computes for its labels.
    expect(other.fingerprint).toBe('003b0a0f7d3fa569');
    expect(other.scope).toEqual({ label: 'alertname', value: 'Watchdog', qualifiers: {} });
  });

  it('takes receivedAt from the injected clock', async () => {
    const { app, bus, clock } = await setup();
    clock.advance(90_000);
    expect((await postAlerts(app)).status).toBe(200);
    const record = JSON.parse(bus.publishes[0]!.messages[0]!.value ?? '') as AlertRecordV1;
    expect(record.receivedAt).toBe('2026-11-22T06:02:00.000Z');
  });

  it('gives a re-delivered notification the same ids', async () => {
    const { app, bus, clock } = await setup();
    const first = (await postAlerts(app)).body as AcceptedAlerts;
    clock.advance(60_000);
    const second = (await postAlerts(app)).body as AcceptedAlerts;
    expect(second.ids).toEqual(first.ids);
    expect(bus.publishes.map((call) => call.messages[0]!.headers?.['sitrep-id'])).toEqual([first.ids[0], first.ids[0]]);
  });

  it('answers 503 with Retry-After when the bus fails, never 429', async () => {
    const { app, bus, registry } = await setup();
    bus.failPublish(new BusError('down', 'connection', true));
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const res = await postAlerts(app);
      expect(res.status).toBe(503);
      expect(res.get('Retry-After')).toBe(String(RETRY_AFTER_SECONDS));
      expect(errorOf(res).code).toBe('unavailable');
    }
    expect(bus.publishes).toHaveLength(3);
    const exposition = await registry.metrics();
    expect(sampleValue(exposition, 'sitrep_ingest_publish_errors_total', { class: 'connection' })).toBe(3);
    expect(sampleValue(exposition, 'sitrep_ingest_alerts_accepted_total', { status: 'firing' })).toBe(0);
  });

  it('answers 503 also when the bus fails with an unclassified error', async () => {
    const { app, bus, registry } = await setup();
    bus.failPublish(new Error('socket hang up'));
    const res = await postAlerts(app);
    expect(res.status).toBe(503);
    expect(res.get('Retry-After')).toBe(String(RETRY_AFTER_SECONDS));
    expect(errorOf(res).code).toBe('unavailable');
    expect(sampleValue(await registry.metrics(), 'sitrep_ingest_publish_errors_total', { class: 'unknown' })).toBe(1);
  });

  it('answers 500 internal, not 503, when the bus refuses the records for good, and logs why', async () => {
    const { app, bus, registry, lines } = await setup();
    const cause = new Error('The request included a message larger than the max message size the server will accept');
    bus.failPublish(new BusError('publish to sitrep.alerts.v1 failed: too large', 'protocol', false, { cause }), {
      topic: 'sitrep.alerts.v1',
    });
    const res = await postAlerts(app);
    expect(res.status).toBe(500);
    expect(errorOf(res).code).toBe('internal');
    expect(res.get('Retry-After')).toBeUndefined();
    expect(sampleValue(await registry.metrics(), 'sitrep_ingest_publish_errors_total', { class: 'protocol' })).toBe(1);
    const logged = lines.filter((line) => line.level === 'error');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ topic: 'sitrep.alerts.v1', errorClass: 'protocol', cause: cause.message });
    // Only that topic refuses: changes are still stored.
    const changeRes = await request(app).post(CHANGES_PATH).set('Authorization', BEARER).send(change());
    expect(changeRes.status).toBe(200);
    expect((await bus.readAll('sitrep.changes.v1')).length).toBe(1);
  });

  it('answers 503 to a retriable failure and stores the records when the sender retries', async () => {
    const { app, bus } = await setup();
    bus.failPublish(new BusError('not enough replicas', 'protocol', true), { times: 1 });
    const refused = await postAlerts(app);
    expect(refused.status).toBe(503);
    expect(refused.get('Retry-After')).toBe(String(RETRY_AFTER_SECONDS));
    const retried = await postAlerts(app);
    expect(retried.status).toBe(200);
    const stored = await bus.readAll('sitrep.alerts.v1');
    expect(stored.map((message) => message.headers['sitrep-id'])).toEqual((retried.body as AcceptedAlerts).ids);
  });

  it('answers 200 only after the publish has resolved', async () => {
    const { app, bus } = await setup();
    const held = bus.hangPublish();
    let done = false;
    const pending = postAlerts(app).then((res) => {
      done = true;
      return res;
    });
    await waitFor(() => bus.publishes.length === 1, { description: 'the publish call' });
    expect(done).toBe(false);
    held.release();
    const res = await pending;
    expect(done).toBe(true);
    expect(res.status).toBe(200);
    expect((res.body as AcceptedAlerts).alerts).toBe(1);
  });
});

describe('POST /api/v1/changes', () => {
  it('publishes a valid change keyed by service and answers with its id', async () => {
    const { app, bus } = await setup();
    const res = await request(app).post(CHANGES_PATH).set('Authorization', BEARER).send(change());
    expect(res.status).toBe(200);
    const accepted = res.body as AcceptedChange;
    expect(accepted.status).toBe('accepted');
    expect(accepted.id).toMatch(/^[0-9a-f]{32}$/);

    expect(bus.publishes).toHaveLength(1);
    const call = bus.publishes[0]!;
    expect(call.topic).toBe('sitrep.changes.v1');
    expect(call.messages).toHaveLength(1);
    const message = call.messages[0]!;
    expect(message.key).toBe('auth');
    expect(message.headers?.['sitrep-id']).toBe(accepted.id);
    expect(message.headers?.['sitrep-schema']).toBe('sitrep.change.v1');
    expect(JSON.parse(message.value ?? '') as ChangeRecordV1).toEqual({
      schema: 'sitrep.change.v1',
      id: accepted.id,
      service: 'auth',
      kind: 'deploy',
      summary: 'auth v1.4.2',
      at: '2026-11-22T05:55:00.000Z',
      labels: { team: 'identity' },
      link: 'https://ci.example/pipelines/4711',
      receivedAt: NOW,
    });
  });

  it('gives the same change the same id when it is sent twice', async () => {
    const { app, clock } = await setup();
    const first = await request(app).post(CHANGES_PATH).set('Authorization', BEARER).send(change());
    clock.advance(30_000);
    const second = await request(app).post(CHANGES_PATH).set('Authorization', BEARER).send(change());
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect((second.body as AcceptedChange).id).toBe((first.body as AcceptedChange).id);
  });

  it("uses the sender's id when given", async () => {
    const { app } = await setup();
    const res = await request(app)
      .post(CHANGES_PATH)
      .set('Authorization', BEARER)
      .send(change({ id: 'gh-actions:run.4711' }));
    expect(res.status).toBe(200);
    expect((res.body as AcceptedChange).id).toBe('gh-actions:run.4711');
  });

  it('rejects a change an hour in the future', async () => {
    const { app, bus } = await setup();
    const res = await request(app)
      .post(CHANGES_PATH)
      .set('Authorization', BEARER)
      .send(change({ at: '2026-11-22T07:00:30Z' }));
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('invalid_payload');
    expect(errorOf(res).field).toBe('at');
    expect(bus.publishes).toEqual([]);
  });

  it('tolerates clock skew within the configured bound', async () => {
    const { app } = await setup();
    const res = await request(app)
      .post(CHANGES_PATH)
      .set('Authorization', BEARER)
      .send(change({ at: '2026-11-22T06:04:30Z' }));
    expect(res.status).toBe(200);
  });

  it('rejects a change without a service', async () => {
    const { app, bus } = await setup();
    const { service: _service, ...body } = change();
    const res = await request(app).post(CHANGES_PATH).set('Authorization', BEARER).send(body);
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('invalid_payload');
    expect(errorOf(res).field).toBe('service');
    expect(bus.publishes).toEqual([]);
  });

  it('answers 401 without credentials', async () => {
    const { app, bus } = await setup();
    const res = await request(app).post(CHANGES_PATH).send(change());
    expect(res.status).toBe(401);
    expect(errorOf(res).code).toBe('unauthorized');
    expect(bus.publishes).toEqual([]);
  });
});

describe('other routes', () => {
  it('answers 405 with Allow: POST to GET on the webhook path', async () => {
    const { app } = await setup();
    const res = await request(app).get(ALERTS_PATH).set('Authorization', BEARER);
    expect(res.status).toBe(405);
    expect(res.get('Allow')).toBe('POST');
    expect(errorOf(res).code).toBe('method_not_allowed');
  });

  it('answers 404 not_found to an unknown path', async () => {
    const { app } = await setup();
    const res = await request(app).get('/nope');
    expect(res.status).toBe(404);
    expect(errorOf(res).code).toBe('not_found');
  });

  it('serves /healthz without credentials', async () => {
    const { app } = await setup();
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('reports readiness from its checks: details to token holders, a summary to anyone else', async () => {
    let ready = false;
    const { app } = await setup({}, [
      { name: 'bus', check: () => Promise.resolve({ ready, detail: ready ? 'connected' : 'connecting to the bus' }) },
    ]);
    const notReady = await request(app).get('/readyz').set('Authorization', `Bearer ${TOKEN}`);
    expect(notReady.status).toBe(503);
    expect(notReady.body).toEqual({
      status: 'not_ready',
      checks: [{ name: 'bus', ready: false, detail: 'connecting to the bus' }],
    });
    const anonymous = await request(app).get('/readyz');
    expect(anonymous.status).toBe(503);
    expect(anonymous.body as unknown).toEqual({
      status: 'not_ready',
      checks: [{ name: 'bus', ready: false, detail: expect.not.stringContaining('bus') as unknown }],
    });
    ready = true;
    const nowReady = await request(app).get('/readyz').set('Authorization', `Bearer ${TOKEN}`);
    expect(nowReady.status).toBe(200);
    expect(nowReady.body).toEqual({ status: 'ready', checks: [{ name: 'bus', ready: true, detail: 'connected' }] });
    expect((await request(app).get('/readyz')).body).toEqual({
      status: 'ready',
      checks: [{ name: 'bus', ready: true, detail: 'ready' }],
    });
  });

  it('is not ready when a check throws, and shows the error text only to token holders and the log', async () => {
    const { app, lines } = await setup({}, [
      { name: 'bus', check: () => Promise.reject(new Error('broker unreachable')) },
    ]);
    const res = await request(app).get('/readyz').set('Authorization', `Bearer ${TOKEN}`);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      status: 'not_ready',
      checks: [{ name: 'bus', ready: false, detail: 'broker unreachable' }],
    });
    const anonymous = await request(app).get('/readyz').set('Authorization', 'Bearer wrong');
    expect(anonymous.status).toBe(503);
    expect(anonymous.text).not.toContain('broker unreachable');
    // Logged once, however often the probe asks.
    const logged = lines.filter((line) => JSON.stringify(line).includes('broker unreachable'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'warn', check: 'bus' });
  });

  it('counts 401s and logs them at debug, not at info', async () => {
    const { app, lines } = await setup();
    for (const authorization of [undefined, 'Bearer wrong', 'Bearer wrong-too']) {
      const call = request(app).post(ALERTS_PATH).send(webhook());
      expect((await (authorization ? call.set('Authorization', authorization) : call)).status).toBe(401);
    }
    const metrics = (await request(app).get('/metrics')).text;
    const route = ALERTS_PATH;
    expect(sampleValue(metrics, 'sitrep_ingest_unauthorized_requests_total', { route, reason: 'missing' })).toBe(1);
    expect(sampleValue(metrics, 'sitrep_ingest_unauthorized_requests_total', { route, reason: 'invalid' })).toBe(2);
    const refused = lines.filter((line) => JSON.stringify(line).includes('unauthorized'));
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((line) => line.level === 'debug')).toBe(true);
  });

  it('exposes metrics that count accepted alerts and rejections', async () => {
    const { app } = await setup();
    const before = await request(app).get('/metrics');
    expect(before.status).toBe(200);
    expect(before.text).toContain('sitrep_ingest_alerts_accepted_total');
    expect(sampleValue(before.text, 'sitrep_ingest_alerts_accepted_total', { status: 'firing' })).toBe(0);

    expect((await postAlerts(app)).status).toBe(200);
    expect((await request(app).post(ALERTS_PATH).send(webhook())).status).toBe(401);

    const after = await request(app).get('/metrics');
    expect(sampleValue(after.text, 'sitrep_ingest_alerts_accepted_total', { status: 'firing' })).toBe(1);
    expect(sampleValue(after.text, 'sitrep_ingest_alerts_accepted_total', { status: 'resolved' })).toBe(0);
    expect(sampleValue(after.text, 'sitrep_ingest_rejected_total', { route: ALERTS_PATH, code: 'unauthorized' })).toBe(
      1,
    );
  });
});
