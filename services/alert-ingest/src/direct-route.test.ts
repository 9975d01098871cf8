import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { EnvReader } from '@sitrep/config';
import { topicNames } from '@sitrep/contracts';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import { FakeClock } from '@sitrep/testkit';
import { faultyEmbeddedBus, type FaultyBus } from '@sitrep/bus/testing';
import { createApp } from './app.js';
import { loadIngestConfig } from './config.js';
import { ALERTMANAGER_PATH } from './routes.js';
import { ingestTopics } from './service.js';

// POST /api/v1/alertmanager is served two ways: directly (plain JSON with a Content-Length) and by
// the router (anything else, e.g. an application/*+json type). Both must answer alike.
const TOKEN = 'tok-direct';
const buses: FaultyBus[] = [];
afterEach(async () => {
  for (const bus of buses.splice(0)) await bus.close();
});

async function app() {
  const reader = new EnvReader({ SITREP_INGEST_BEARER_TOKEN: TOKEN, SITREP_INGEST_MAX_BODY: '4kb' });
  const config = loadIngestConfig(reader);
  reader.finish();
  const registry = createMetricsRegistry({ service: 'alert-ingest', processMetrics: false });
  const bus = faultyEmbeddedBus({ logger: createMemoryLogger('error').logger });
  buses.push(bus);
  await bus.start(ingestTopics(config));
  const { logger } = createMemoryLogger('error');
  return {
    app: createApp({ config, bus, clock: new FakeClock('2026-11-22T06:00:30Z'), logger, registry, readiness: [] }),
    bus,
    registry,
  };
}

const alert = {
  status: 'firing',
  labels: { alertname: 'HighErrorRate', service: 'auth' },
  annotations: {},
  startsAt: '2026-11-22T06:00:00Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: '',
  fingerprint: 'e76d76b22322c3fc',
};
const webhook = {
  receiver: 'sitrep',
  status: 'firing',
  alerts: [alert],
  groupLabels: {},
  commonLabels: {},
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  version: '4',
  groupKey: '{}:{}',
  truncatedAlerts: 0,
};

const CASES: readonly { readonly name: string; readonly body: string; readonly auth?: string }[] = [
  { name: 'a valid notification', body: JSON.stringify(webhook) },
  // Sent as UTF-8: EF BB BF first.
  { name: 'one with a byte order mark', body: `\uFEFF${JSON.stringify(webhook)}` },
  { name: 'an empty body', body: '' },
  { name: 'malformed JSON', body: '{"receiver": ' },
  { name: 'a bad field', body: JSON.stringify({ ...webhook, alerts: [{ ...alert, startsAt: 'yesterday' }] }) },
  { name: 'a JSON array', body: '[1,2]' },
  { name: 'a body over the limit', body: JSON.stringify({ ...webhook, receiver: 'x'.repeat(5000) }) },
  { name: 'no credentials', body: JSON.stringify(webhook), auth: '' },
  { name: 'a wrong token', body: JSON.stringify(webhook), auth: 'Bearer nope' },
];

async function answer(contentType: string, body: string, auth: string) {
  const { app: served, bus } = await app();
  const call = request(served).post(ALERTMANAGER_PATH).set('Content-Type', contentType);
  const res = await (auth === '' ? call : call.set('Authorization', auth)).send(body);
  const stored = (await bus.readAll(topicNames().alerts)).map((message) => message.value);
  return {
    status: res.status,
    body: res.body as unknown,
    type: res.headers['content-type'],
    challenge: res.headers['www-authenticate'],
    stored,
  };
}

describe('POST /api/v1/alertmanager served directly', () => {
  for (const { name, body, auth = `Bearer ${TOKEN}` } of CASES) {
    it(`answers ${name} as the router does`, async () => {
      const direct = await answer('application/json', body, auth);
      const routed = await answer('application/vnd.alertmanager+json', body, auth);
      expect(direct).toEqual(routed);
    });
  }

  it('counts its requests under the route, as the router does', async () => {
    const { app: served, registry } = await app();
    await request(served).post(ALERTMANAGER_PATH).set('Authorization', `Bearer ${TOKEN}`).send(webhook);
    await request(served).post(ALERTMANAGER_PATH).send(webhook);
    const metrics = await registry.metrics();
    expect(metrics).toContain(
      `sitrep_ingest_http_requests_total{route="${ALERTMANAGER_PATH}",method="POST",status="200"`,
    );
    expect(metrics).toContain(
      `sitrep_ingest_unauthorized_requests_total{route="${ALERTMANAGER_PATH}",reason="missing"`,
    );
  });
});
