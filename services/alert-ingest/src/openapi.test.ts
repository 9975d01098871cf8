import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusError, EmbeddedBus, type Bus } from '@sitrep/bus';
import { EnvReader } from '@sitrep/config';
import { openApiDocument, parseAlertmanagerWebhook, parseChangeRequest } from '@sitrep/contracts';
import { systemClock } from '@sitrep/domain';
import { ERROR_CODES, listen, type ReadinessCheck } from '@sitrep/http';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import {
  expressRoutes,
  jsonPointer,
  openApiChecker,
  alertBatch as outageAlerts,
  webhookBody,
  type JsonObject,
} from '@sitrep/testkit';
import { faultyEmbeddedBus } from '@sitrep/bus/testing';
import { createApp } from './app.js';
import { loadIngestConfig, type IngestConfig } from './config.js';
import { ingestConfig, startIngest, TOKEN } from './ingest-harness.fixture.js';
import type { AlertIngest } from './service.js';

// The checks of the document as a whole (refs, operation ids, servers, recorder enums) live in
// services/recorder/src/api/openapi.test.ts; this file holds it to alert-ingest's code.

const doc = openApiDocument;
const SERVICE = 'ingest';
const BASIC_USER = 'alertmanager';
const BASIC_PASSWORD = 'pa:ss-7';
const checker = openApiChecker(doc);
const { schemaErrors } = checker;
const pointer = jsonPointer;
const serviceOperations = () => checker.tagged(SERVICE);

// ---- Exchanges with a running alert-ingest, checked against the document ------------------

const exercised = new Set<string>();

type Credentials = 'bearer' | 'basic' | 'wrong' | null;
const authorization: Record<Exclude<Credentials, null>, string> = {
  bearer: `Bearer ${TOKEN}`,
  basic: `Basic ${Buffer.from(`${BASIC_USER}:${BASIC_PASSWORD}`, 'utf8').toString('base64')}`,
  wrong: 'Bearer not-the-token',
};

/** Calls alert-ingest and checks status, headers and body against what the document declares. */
async function call(
  base: string,
  method: 'get' | 'post',
  path: string,
  options: { auth?: Credentials; body?: unknown; rawBody?: string; contentType?: string } = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const headers: Record<string, string> = {};
  const auth = options.auth === undefined ? 'bearer' : options.auth;
  if (auth !== null) headers.authorization = authorization[auth];
  const hasBody = options.body !== undefined || options.rawBody !== undefined;
  if (hasBody) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${base}${path}`, {
    method: method.toUpperCase(),
    headers,
    ...(hasBody ? { body: options.rawBody ?? JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  const exchange = checker.checkResponse(method, path, response, text);
  exercised.add(`${method} ${path} ${response.status}`);
  return exchange;
}

const requestSchema = (path: string) =>
  pointer('paths', path, 'post', 'requestBody', 'content', 'application/json', 'schema');

// ---- alert-ingest under test --------------------------------------------------------------

function appOf(config: IngestConfig, bus: Bus, readiness: readonly ReadinessCheck[]): Express {
  return createApp({
    config,
    bus,
    clock: systemClock,
    logger: createMemoryLogger('error').logger,
    registry: createMetricsRegistry({ service: 'alert-ingest', processMetrics: false }),
    readiness,
  });
}

let dir: string;
let bus: EmbeddedBus;
let ingest: AlertIngest;
let config: IngestConfig;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sitrep-openapi-'));
  config = ingestConfig({
    SITREP_DATA_DIR: dir,
    SITREP_CORRELATOR: 'disabled',
    SITREP_INGEST_BASIC_AUTH: `${BASIC_USER}:${BASIC_PASSWORD}`,
    SITREP_INGEST_MAX_BODY: '64kb',
  });
  bus = new EmbeddedBus({ path: join(dir, 'bus.sqlite'), logger: createMemoryLogger('error').logger });
  ingest = await startIngest(config, bus);
});

afterAll(async () => {
  await ingest.close();
  await bus.close();
  rmSync(dir, { recursive: true, force: true });
});

// ---- The tests ----------------------------------------------------------------------------

describe('the OpenAPI document, for alert-ingest', () => {
  it('declares exactly the routes the ingest app serves', () => {
    const documented = serviceOperations()
      .map(({ method, path }) => `${method.toUpperCase()} ${path}`)
      .sort();
    expect(expressRoutes(appOf(config, bus, []))).toEqual(documented);
  });

  it("names alert-ingest's default host and port, and its auth schemes", () => {
    const defaults = loadIngestConfig(new EnvReader({ SITREP_INGEST_BEARER_TOKEN: 'token' }));
    const server = doc.servers.find((candidate) => candidate.description === 'alert-ingest')!;
    expect(server.variables.port.default).toBe(String(defaults.port));
    expect(server.variables.host.default).toBe(defaults.platform.host);
    for (const { path, operation } of serviceOperations()) {
      const expected = path.startsWith('/api/') ? [{ bearerAuth: [] }, { basicAuth: [] }] : [];
      expect(operation.security, path).toEqual(expected);
    }
    expect(doc.components.schemas.ErrorCode.enum).toEqual(Object.keys(ERROR_CODES));
  });

  it('declares each error response with codes the catalogue gives that status', () => {
    for (const { method, path, operation } of serviceOperations()) {
      for (const status of Object.keys(operation.responses as JsonObject)) {
        if (status < '400' || path === '/readyz') continue;
        const { at } = checker.declaredResponse(method, path, Number(status));
        const body = pointer('content', 'application/json', 'schema');
        const admitted = Object.entries(ERROR_CODES).filter(
          ([code]) => schemaErrors(`${at}${body}`, { error: { code, message: 'm' } }).length === 0,
        );
        const name = `${method.toUpperCase()} ${path} ${status}`;
        expect(admitted.length, name).toBeGreaterThan(0);
        for (const [code, codeStatus] of admitted) expect(codeStatus, `${name} ${code}`).toBe(Number(status));
      }
    }
  });

  it('describes webhook bodies as alert-ingest parses them', () => {
    const base = webhookBody(outageAlerts(2));
    const alert = (base.alerts as JsonObject[])[0]!;
    const withAlert = (changes: JsonObject) => ({ ...base, alerts: [{ ...alert, ...changes }] });
    const without = (object: JsonObject, key: string) =>
      Object.fromEntries(Object.entries(object).filter(([k]) => k !== key));
    const samples: unknown[] = [
      base,
      { ...base, alerts: [] },
      { ...base, version: '3' },
      { ...base, version: 4 },
      { ...base, status: 'pending' },
      { ...base, truncatedAlerts: 3 },
      { ...base, truncatedAlerts: -1 },
      { ...base, truncatedAlerts: 1.5 },
      { ...base, groupLabels: { alertname: 5 } },
      { ...base, newerAlertmanagerField: true },
      without(base, 'groupKey'),
      without(base, 'receiver'),
      without(base, 'alerts'),
      without(without(without(base, 'groupLabels'), 'commonLabels'), 'externalURL'),
      withAlert({ labels: {} }),
      withAlert({ labels: { alertname: 'X', value: 0.3 } }),
      withAlert({ startsAt: 'yesterday' }),
      withAlert({ startsAt: '2026-11-22T06:00:00.123456789Z' }),
      withAlert({ startsAt: '2026-11-22T07:00:00+01:00' }),
      withAlert({ startsAt: '2026-11-22T06:00:00' }),
      withAlert({ startsAt: '2026-11-22T06:00:00.1234567890Z' }),
      withAlert({ endsAt: '2026-11-22T06:30:00Z', status: 'resolved' }),
      withAlert({ status: 'silenced' }),
      withAlert({ fingerprint: '' }),
      withAlert({ fingerprint: 'f'.repeat(129) }),
      withAlert({ fingerprint: 'e76d76b22322c3fc' }),
      withAlert({ generatorURL: 7 }),
      { ...base, alerts: [without(without(without(alert, 'annotations'), 'endsAt'), 'generatorURL')] },
      { ...base, alerts: [without(alert, 'startsAt')] },
      [],
      null,
    ];
    for (const sample of samples) {
      expect(schemaErrors(requestSchema('/api/v1/alertmanager'), sample).length === 0, JSON.stringify(sample)).toBe(
        parseAlertmanagerWebhook(sample).ok,
      );
    }
  });

  it('describes change requests as alert-ingest parses them', () => {
    const base = { service: 'auth-lb', kind: 'config', summary: 'new balancer weights', at: '2026-11-22T02:58:00Z' };
    const samples: unknown[] = [
      base,
      { ...base, id: 'deploy-42', labels: { team: 'identity', _env: 'prod' }, link: 'https://ci.example/runs/42' },
      { ...base, id: 'has space' },
      { ...base, service: '' },
      { ...base, service: '   ' },
      { ...base, service: 's'.repeat(257) },
      { ...base, kind: 'Deploy' },
      { ...base, kind: 'feature_flag' },
      { ...base, kind: `k${'x'.repeat(64)}` },
      { ...base, summary: '' },
      { ...base, summary: 's'.repeat(1025) },
      { ...base, at: '2026-11-22' },
      { ...base, at: '2026-11-22T02:58:00.5+05:30' },
      { ...base, labels: { 'bad-name': 'x' } },
      { ...base, labels: { ok: 1 } },
      { ...base, link: 'ftp://files.example/x' },
      { ...base, link: 'http://ci.example/1' },
      { ...base, link: 'not a url' },
      { ...base, extra: 'ignored' },
      { service: 'auth', kind: 'deploy', summary: 'v2' },
      'deploy',
    ];
    for (const sample of samples) {
      expect(schemaErrors(requestSchema('/api/v1/changes'), sample).length === 0, JSON.stringify(sample)).toBe(
        parseChangeRequest(sample).ok,
      );
    }
  });
});

describe('alert-ingest responses match the document', () => {
  it('accepts Alertmanager notifications, with a bearer token or basic auth', async () => {
    const body = webhookBody(outageAlerts(3));
    expect(schemaErrors(requestSchema('/api/v1/alertmanager'), body)).toEqual([]);
    const accepted = await call(ingest.url, 'post', '/api/v1/alertmanager', { body });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', alerts: 3 });
    expect((await call(ingest.url, 'post', '/api/v1/alertmanager', { body, auth: 'basic' })).status).toBe(200);
  });

  it('rejects bad notifications with the documented errors', async () => {
    const path = '/api/v1/alertmanager';
    const body = webhookBody(outageAlerts(1));
    const invalid = await call(ingest.url, 'post', path, { body: { ...body, version: '3' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ error: { code: 'invalid_payload', field: 'version' } });
    const notJson = await call(ingest.url, 'post', path, { rawBody: '{"version":' });
    expect(notJson.body).toMatchObject({ error: { code: 'invalid_json' } });
    const anonymous = await call(ingest.url, 'post', path, { body, auth: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
    expect((await call(ingest.url, 'post', path, { body, auth: 'wrong' })).status).toBe(401);
    expect((await call(ingest.url, 'post', path, { rawBody: 'x', contentType: 'text/plain' })).status).toBe(415);
    const huge = webhookBody(outageAlerts(400));
    expect((await call(ingest.url, 'post', path, { body: huge })).status).toBe(413);
  });

  it('accepts changes, and rejects one from the future', async () => {
    const path = '/api/v1/changes';
    const at = new Date(Date.now() - 60_000).toISOString();
    const full = {
      id: 'weights-7',
      service: 'auth-lb',
      kind: 'config',
      summary: 'new weights',
      at,
      labels: { team: 'idp' },
    };
    const withLink = { ...full, link: 'https://ci.example/runs/7' };
    expect(schemaErrors(requestSchema(path), withLink)).toEqual([]);
    const accepted = await call(ingest.url, 'post', path, { body: withLink });
    expect(accepted.body).toEqual({ status: 'accepted', id: 'weights-7' });
    const derived = await call(ingest.url, 'post', path, {
      body: { service: 'auth', kind: 'deploy', summary: 'v2', at },
    });
    expect(derived.status).toBe(200);
    const future = new Date(Date.now() + 60 * 60_000).toISOString();
    const rejected = await call(ingest.url, 'post', path, { body: { ...full, at: future } });
    expect(rejected.body).toMatchObject({ error: { code: 'invalid_payload', field: 'at' } });
    expect((await call(ingest.url, 'post', path, { body: full, auth: null })).status).toBe(401);
  });

  it('answers 503 with Retry-After when the bus does not take the records, and /readyz says why', async () => {
    const refusing = faultyEmbeddedBus({ logger: createMemoryLogger('error').logger });
    refusing.failPublish(new BusError('broker unreachable', 'connection', true));
    const notReady = { name: 'bus', check: () => Promise.resolve({ ready: false, detail: 'connecting to the bus' }) };
    const server = await listen(appOf(config, refusing, [notReady]), '127.0.0.1', 0);
    try {
      const webhook = await call(server.url, 'post', '/api/v1/alertmanager', { body: webhookBody(outageAlerts(1)) });
      expect(webhook.status).toBe(503);
      expect(webhook.headers.get('retry-after')).toBe(String(config.retryAfterSeconds));
      const change = { service: 'auth', kind: 'deploy', summary: 'v3', at: new Date().toISOString() };
      expect((await call(server.url, 'post', '/api/v1/changes', { body: change })).status).toBe(503);
      expect((await call(server.url, 'get', '/readyz', { auth: null })).status).toBe(503);
    } finally {
      await server.close(1000);
      await refusing.close();
    }
  });

  it('answers 500 when the bus refuses the records for good', async () => {
    const refusing = faultyEmbeddedBus({ logger: createMemoryLogger('error').logger });
    refusing.failPublish(new BusError('not authorised to write the topic', 'protocol', false));
    const server = await listen(appOf(config, refusing, []), '127.0.0.1', 0);
    try {
      const webhook = await call(server.url, 'post', '/api/v1/alertmanager', { body: webhookBody(outageAlerts(1)) });
      expect(webhook.status).toBe(500);
      expect(webhook.body).toMatchObject({ error: { code: 'internal' } });
      const change = { service: 'auth', kind: 'deploy', summary: 'v4', at: new Date().toISOString() };
      expect((await call(server.url, 'post', '/api/v1/changes', { body: change })).status).toBe(500);
    } finally {
      await server.close(1000);
      await refusing.close();
    }
  });

  it('serves health, readiness, metrics and this document without credentials', async () => {
    expect((await call(ingest.url, 'get', '/healthz', { auth: null })).status).toBe(200);
    expect((await call(ingest.url, 'get', '/readyz', { auth: null })).status).toBe(200);
    expect((await call(ingest.url, 'get', '/metrics', { auth: null })).status).toBe(200);
    const served = await call(ingest.url, 'get', '/openapi.json', { auth: null });
    expect(served.body).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it('exercised a success response of every ingest operation', () => {
    for (const { method, path, operation } of serviceOperations()) {
      const statuses = Object.keys(operation.responses as JsonObject).filter((status) => status.startsWith('2'));
      expect(
        statuses.some((status) => exercised.has(`${method} ${path} ${status}`)),
        `${method} ${path}`,
      ).toBe(true);
    }
  });
});
