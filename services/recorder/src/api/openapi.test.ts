import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { EmbeddedBus } from '@sitrep/bus';
import { incidentEventRecord } from '@sitrep/codec';
import { EnvReader } from '@sitrep/config';
import { ENTRY_KINDS, openApiDocument, parseEntryRequest, type IncidentEventRecordV1 } from '@sitrep/contracts';
import {
  Correlator,
  DEFAULT_CORRELATION_SETTINGS,
  INCIDENT_STATUSES,
  SIGNAL_CLASSES,
  type CauseHint,
  type EntrySource,
  type IncidentStatus,
  type ReliabilityGrouping,
  type Severity,
  type SignalClass,
  type TimelineEntry,
} from '@sitrep/domain';
import { ERROR_CODES, listen, type ReadinessCheck } from '@sitrep/http';
import { StoreError, type IncidentStore } from '@sitrep/store';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import {
  domainAlert,
  expressRoutes,
  FakeClock,
  isJsonObject,
  jsonPointer,
  lbOutageChange,
  openApiChecker,
  waitFor,
  type JsonObject,
} from '@sitrep/testkit';
import { createRecorderApp } from '../app.js';
import { loadRecorderConfig } from '../config.js';
import { alertValueImpact } from '../impact-source.js';
import type { MeasuredImpact } from '../impact/index.js';
import { createRecorderMetrics } from '../metrics.js';
import {
  lbOutageRecords,
  manyIncidentRecords,
  minute,
  publishEvents,
  READ_TOKEN,
  recorderConfig,
  startTestRecorder,
  tempDir,
  WRITE_TOKEN,
  type TestRecorder,
} from '../recorder-harness.fixture.js';
import { SEVERITIES } from './incidents-router.js';

const doc = openApiDocument;
const schemas = doc.components.schemas;
const SERVICE = 'recorder';
const checker = openApiChecker(doc);
const { deref, operations, resolvePointer, schemaErrors, validatorAt } = checker;
const tagsOf = (operation: JsonObject): string[] => (operation.tags as string[] | undefined) ?? [];
const isObject = isJsonObject;
const pointer = jsonPointer;
const serviceOperations = () => checker.tagged(SERVICE);

// ---- Exchanges with a running recorder, checked against the document ----------------------

interface Exchange {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

const exercised = new Set<string>();

/** The response the document declares for this operation and status, with every `$ref` followed. */
function declaredResponse(method: string, path: string, status: number) {
  const operation = operations().find((candidate) => candidate.method === method && candidate.path === path);
  if (!operation) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
  const responses = operation.operation.responses as JsonObject;
  const declared = responses[String(status)];
  if (declared === undefined) throw new Error(`${method.toUpperCase()} ${path}: ${status} is not documented`);
  return deref(declared, `${operation.at}${pointer('responses', String(status))}`);
}

/** Calls the recorder and checks status, headers and body against what the document declares. */
async function call(
  base: string,
  method: 'get' | 'post',
  path: string,
  options: {
    params?: Record<string, string>;
    query?: string;
    token?: string | null;
    body?: unknown;
    rawBody?: string;
    contentType?: string;
  } = {},
): Promise<Exchange> {
  const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(options.params?.[name] ?? ''));
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? (method === 'get' ? READ_TOKEN : WRITE_TOKEN) : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const hasBody = options.body !== undefined || options.rawBody !== undefined;
  if (hasBody) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${base}${concrete}${options.query ? `?${options.query}` : ''}`, {
    method: method.toUpperCase(),
    headers,
    ...(hasBody ? { body: options.rawBody ?? JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  const exchange = checker.checkResponse(method, path, response, text);
  exercised.add(`${method} ${path} ${response.status}`);
  return exchange;
}

// ---- The recorder under test --------------------------------------------------------------

/** An incident still open: one latency alert on payments, no value reported. */
function openIncident(): IncidentEventRecordV1[] {
  const correlator = new Correlator({ ...DEFAULT_CORRELATION_SETTINGS, quietPeriodMs: 0 });
  const latency = { alertname: 'HighLatency', service: 'payments', severity: 'info' };
  return correlator.applyAlert(domainAlert(latency, { starts: 40, received: 41 })).map(incidentEventRecord);
}

/** The reference outage, with its config change. */
const outage = lbOutageRecords();
const stillOpen = openIncident();
const others = manyIncidentRecords(2);
const outageId = outage[0]!.incidentId;
const openId = stillOpen[0]!.incidentId;

/** The recorder's app as the service builds it, over `store` and with `readiness`. */
function recorderApp(store: IncidentStore, readiness: readonly ReadinessCheck[]): Express {
  const registry = createMetricsRegistry({ service: 'recorder', processMetrics: false });
  return createRecorderApp({
    config: recorderConfig({ SITREP_DATA_DIR: dir }),
    store,
    clock: new FakeClock(minute(60)),
    logger: createMemoryLogger('error').logger,
    registry,
    metrics: createRecorderMetrics(registry, store),
    impact: alertValueImpact,
    readiness,
    publishEntry: () => Promise.resolve(),
  });
}

let dir: string;
let bus: EmbeddedBus;
let recorder: TestRecorder;
let url: string;

beforeAll(async () => {
  dir = tempDir();
  bus = new EmbeddedBus({ path: join(dir, 'bus.sqlite'), logger: createMemoryLogger('error').logger });
  recorder = await startTestRecorder(recorderConfig({ SITREP_DATA_DIR: dir }), bus, {
    clock: new FakeClock(minute(60)),
  });
  url = recorder.recorder.url;
  await publishEvents(bus, 'sitrep.', [...outage, ...stillOpen, ...others]);
  await waitFor(async () => {
    const counts = await Promise.all(
      [outage, stillOpen].map(async (records) => {
        const row = await recorder.store.incident(records[0]!.incidentId);
        return row?.lastSequence === records.length;
      }),
    );
    const listed = await recorder.store.listIncidents({ limit: 10 });
    return counts.every(Boolean) && listed.incidents.length === 4;
  });
});

afterAll(async () => {
  await recorder.close();
  await bus.close();
  rmSync(dir, { recursive: true, force: true });
});

// ---- The tests ----------------------------------------------------------------------------

describe('the OpenAPI document', () => {
  it('resolves every $ref, and every component schema compiles under strict Ajv 2020', () => {
    const refs: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) node.forEach((child, index) => walk(child, `${at}/${index}`));
      if (!isObject(node)) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref') {
          expect(typeof value === 'string' && value.startsWith('#/'), `${at}: local $ref`).toBe(true);
          refs.push(value as string);
          expect(resolvePointer((value as string).slice(1)), `${at}: ${String(value)}`).toBeDefined();
        } else walk(value, `${at}/${key}`);
      }
    };
    walk(doc, '');
    expect(refs.length).toBeGreaterThan(20);
    for (const name of Object.keys(schemas))
      expect(() => validatorAt(pointer('components', 'schemas', name))).not.toThrow();
    // Every component is used somewhere.
    const used = new Set(refs);
    for (const [kind, components] of Object.entries(doc.components)) {
      if (kind === 'securitySchemes') continue;
      for (const name of Object.keys(components))
        expect(used, `#/components/${kind}/${name}`).toContain(`#/components/${kind}/${name}`);
    }
  });

  it('is OpenAPI 3.1 in shape: ids, tags, security, servers, parameters and responses', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    const tags = new Set(doc.tags.map((tag) => tag.name));
    const schemes = new Set(Object.keys(doc.components.securitySchemes));
    const ids = new Set<string>();
    for (const { method, path, at, operation } of operations()) {
      const name = `${method.toUpperCase()} ${path}`;
      expect(typeof operation.operationId, `${name} operationId`).toBe('string');
      expect(ids.has(operation.operationId as string), `${name}: operationId used twice`).toBe(false);
      ids.add(operation.operationId as string);
      expect(tagsOf(operation).length, `${name} tags`).toBeGreaterThan(0);
      for (const tag of tagsOf(operation)) expect(tags, `${name} tag`).toContain(tag);
      // Explicit security everywhere, naming only declared schemes.
      expect(Array.isArray(operation.security), `${name} security`).toBe(true);
      for (const requirement of operation.security as JsonObject[]) {
        for (const scheme of Object.keys(requirement)) expect(schemes, `${name} security`).toContain(scheme);
      }
      const responses = operation.responses as JsonObject;
      expect(Object.keys(responses).length, `${name} responses`).toBeGreaterThan(0);
      for (const [status, declared] of Object.entries(responses)) {
        expect(status, `${name} status`).toMatch(/^[1-5]\d\d$/);
        const { node } = deref(declared, `${at}/responses/${status}`);
        expect(typeof node.description, `${name} ${status} description`).toBe('string');
      }
      // Path template parameters and declared path parameters agree.
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      const declared = ((operation.parameters as unknown[] | undefined) ?? [])
        .map((parameter, index) => deref(parameter, `${at}/parameters/${index}`).node)
        .filter((parameter) => parameter.in === 'path')
        .map((parameter) => {
          expect(parameter.required, `${name} path parameter ${String(parameter.name)}`).toBe(true);
          return parameter.name;
        })
        .sort();
      expect(declared, `${name} path parameters`).toEqual(templated);
    }
    // Each path names its servers: exactly those of the services its operations are tagged with.
    const serverOf = { ingest: doc.servers[0], recorder: doc.servers[1] } as const;
    expect(serverOf.ingest.description).toBe('alert-ingest');
    expect(serverOf.recorder.description).toBe('recorder');
    for (const [path, item] of Object.entries(doc.paths)) {
      const services = new Set(
        operations()
          .filter((operation) => operation.path === path)
          .flatMap(({ operation }) => tagsOf(operation)),
      );
      expect(item.servers, path).toEqual(
        doc.servers.filter((server) => services.has(server === serverOf.ingest ? 'ingest' : 'recorder')),
      );
    }
  });

  it("names the recorder's default host and port", () => {
    const config = loadRecorderConfig(new EnvReader({ SITREP_API_TOKEN: 'token', SITREP_DATA_DIR: tempDir() }));
    const server = doc.servers.find((candidate) => candidate.description === SERVICE)!;
    expect(server.variables.port.default).toBe(String(config.port));
    expect(server.variables.host.default).toBe(config.platform.host);
  });

  it('declares exactly the routes the recorder app serves', () => {
    const documented = serviceOperations()
      .map(({ method, path }) => `${method.toUpperCase()} ${path}`)
      .sort();
    expect(expressRoutes(recorderApp(recorder.store, []))).toEqual(documented);
  });

  it('has the enums the code has', () => {
    expect(schemas.EntryKind.enum).toEqual(ENTRY_KINDS);
    expect(schemas.ErrorCode.enum).toEqual(Object.keys(ERROR_CODES));
    expect(schemas.IncidentStatus.enum).toEqual(INCIDENT_STATUSES);
    expect(schemas.Severity.enum).toEqual(SEVERITIES);
    expect(schemas.SignalClass.enum).toEqual(SIGNAL_CLASSES);
    // Each error response admits some codes, and only codes the catalogue gives its status.
    for (const { method, path, operation } of serviceOperations()) {
      for (const [status, declared] of Object.entries(operation.responses as JsonObject)) {
        if (status < '400') continue;
        // Errors use the shared responses; only /readyz answers 503 with its own body.
        if (path === '/readyz') continue;
        expect(isObject(declared) && String(declared.$ref), `${method} ${path} ${status}`).toMatch(
          /^#\/components\/responses\//,
        );
        const { at } = declaredResponse(method, path, Number(status));
        const admitted = Object.keys(ERROR_CODES).filter(
          (code) =>
            schemaErrors(`${at}${pointer('content', 'application/json', 'schema')}`, errorBody(code)).length === 0,
        );
        const name = `${method.toUpperCase()} ${path} ${status}`;
        expect(admitted.length, name).toBeGreaterThan(0);
        for (const code of admitted)
          expect(ERROR_CODES[code as keyof typeof ERROR_CODES], `${name} ${code}`).toBe(Number(status));
      }
    }
    // Types the code has only at compile time (checked by tsc over this file).
    type Enum<S> = S extends { readonly enum: readonly (infer T)[] } ? T : never;
    type TimelineProperties = typeof schemas.TimelineEntry.properties;
    expectTypeOf<Enum<TimelineProperties['kind']>>().toEqualTypeOf<TimelineEntry['kind']>();
    expectTypeOf<Enum<TimelineProperties['source']>>().toEqualTypeOf<EntrySource>();
    expectTypeOf<Enum<typeof schemas.Severity>>().toEqualTypeOf<Severity>();
    expectTypeOf<Enum<typeof schemas.IncidentStatus>>().toEqualTypeOf<IncidentStatus>();
    expectTypeOf<Enum<typeof schemas.SignalClass>>().toEqualTypeOf<SignalClass>();
    expectTypeOf<Enum<typeof schemas.ReliabilityGrouping>>().toEqualTypeOf<ReliabilityGrouping>();
    expectTypeOf<Enum<typeof schemas.Impact.properties.source>>().toEqualTypeOf<MeasuredImpact['source']>();
    expectTypeOf<Enum<(typeof schemas.Impact.properties.affected.oneOf)[1]['properties']['of']>>().toEqualTypeOf<
      NonNullable<MeasuredImpact['impact']['affected']>['of']
    >();
    type Const<S> = S extends { readonly const: infer T } ? T : never;
    type HintSignal = (typeof schemas.CauseHint.properties.signal.anyOf)[number];
    expect(schemas.CauseHint.properties.signal.anyOf[0]).toEqual({ $ref: '#/components/schemas/SignalClass' });
    expectTypeOf<Enum<typeof schemas.SignalClass> | Const<HintSignal>>().toEqualTypeOf<CauseHint['signal']>();
  });

  it('describes entry requests as the recorder parses them', () => {
    const base = { kind: 'note', author: 'oncall@example.com', text: 'checked the weights' };
    const samples: unknown[] = [
      base,
      { ...base, id: 'note-1', at: '2026-11-22T03:04:00Z' },
      { ...base, at: '2026-11-22T04:04:00.123456789+01:00' },
      { ...base, at: '2026-11-22 03:04:00Z' },
      { ...base, at: '2026-11-22' },
      { ...base, id: 'has space' },
      { ...base, id: 'x'.repeat(129) },
      { ...base, kind: 'rumour' },
      { ...base, author: '' },
      { ...base, author: '   ' },
      { ...base, author: 'a'.repeat(257) },
      { ...base, text: '' },
      { ...base, text: 'x'.repeat(10_001) },
      { ...base, extra: 'ignored' },
      { kind: 'acknowledged', author: 'a', text: '' },
      { kind: 'escalated', author: 'a', text: '', to: 'identity team' },
      { kind: 'escalated', author: 'a', text: '' },
      { kind: 'escalated', author: 'a', text: '', to: ' ' },
      { kind: 'resolved', author: 'a', text: '', to: 'someone' },
      { kind: 'note', text: 'x' },
      { author: 'a', text: 'x' },
      { ...base, author: 7 },
      [],
      'note',
      null,
    ];
    const at = pointer('components', 'schemas', 'EntryRequest');
    for (const sample of samples) {
      expect(schemaErrors(at, sample).length === 0, JSON.stringify(sample)).toBe(parseEntryRequest(sample).ok);
    }
  });
});

describe('recorder responses match the document', () => {
  it('lists incidents, page by page, and names a bad parameter', async () => {
    const all = await call(url, 'get', '/api/v1/incidents');
    expect((all.body as { incidents: unknown[] }).incidents).toHaveLength(4);
    const first = await call(url, 'get', '/api/v1/incidents', { query: 'limit=1' });
    const { nextCursor } = first.body as { nextCursor: string };
    expect(nextCursor).toEqual(expect.any(String));
    await call(url, 'get', '/api/v1/incidents', { query: `limit=1&cursor=${nextCursor}` });
    for (const status of schemas.IncidentStatus.enum) {
      expect(
        (await call(url, 'get', '/api/v1/incidents', { query: `status=${status}&since=30d&until=2100-01-01` })).status,
      ).toBe(200);
    }
    for (const severity of schemas.Severity.enum) {
      expect((await call(url, 'get', '/api/v1/incidents', { query: `severity=${severity}&service=auth` })).status).toBe(
        200,
      );
    }
    const bad = await call(url, 'get', '/api/v1/incidents', { query: 'status=gone&limit=0&since=yesterday' });
    expect(bad.status).toBe(400);
    expect((await call(url, 'get', '/api/v1/incidents', { query: 'cursor=nonsense' })).status).toBe(400);
    expect((await call(url, 'get', '/api/v1/incidents', { token: null })).status).toBe(401);
    expect((await call(url, 'get', '/api/v1/incidents', { token: 'wrong' })).status).toBe(401);
  });

  it('rejects a bad value of every documented query parameter, naming it', async () => {
    for (const { method, path, operation } of serviceOperations()) {
      const query = ((operation.parameters as unknown[] | undefined) ?? [])
        .map((parameter) => deref(parameter, path).node)
        .filter((parameter) => parameter.in === 'query');
      if (query.length === 0) continue;
      const values = query.map((parameter) => [String(parameter.name), invalidValue(parameter.schema)] as const);
      const bad = await call(url, method as 'get', path, {
        params: { id: outageId },
        query: new URLSearchParams(values.map(([name, value]): [string, string] => [name, value])).toString(),
      });
      expect(bad.status, `${method} ${path}`).toBe(400);
      const fields = (bad.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field);
      expect(fields.sort(), `${method} ${path}`).toEqual(values.map(([name]) => name).sort());
    }
  });

  it('describes incidents: resolved with a change and a cause, open with nulls, unknown 404', async () => {
    const resolved = await call(url, 'get', '/api/v1/incidents/{id}', { params: { id: outageId } });
    expect(resolved.body).toMatchObject({
      status: 'resolved',
      changes: [{ changeId: lbOutageChange()?.id }],
      impact: { affected: { of: 'requests' } },
    });
    expect((resolved.body as { probableCause: unknown[] }).probableCause.length).toBeGreaterThan(0);
    const open = await call(url, 'get', '/api/v1/incidents/{id}', { params: { id: openId } });
    expect(open.body).toMatchObject({ status: 'open', impact: { affected: null }, moments: { resolvedAt: null } });
    expect((await call(url, 'get', '/api/v1/incidents/{id}', { params: { id: 'no-such' } })).status).toBe(404);
    expect((await call(url, 'get', '/api/v1/incidents/{id}', { params: { id: outageId }, token: null })).status).toBe(
      401,
    );
  });

  it('adds entries (201, a repeat 200) and shows them on the timeline; refuses read-only tokens', async () => {
    const entries = '/api/v1/incidents/{id}/entries';
    const params = { id: outageId };
    const escalated = { id: 'esc-1', kind: 'escalated', at: minute(5).toISOString(), author: 'a', text: '', to: 'idp' };
    expect(schemaErrors(pointer('components', 'schemas', 'EntryRequest'), escalated)).toEqual([]);
    const created = await call(url, 'post', entries, { params, body: escalated });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/incidents/${outageId}/timeline`);
    expect((await call(url, 'post', entries, { params, body: escalated })).status).toBe(200);
    for (const kind of ['acknowledged', 'mitigated', 'closed'] as const) {
      const entry = { kind, at: minute(6).toISOString(), author: 'oncall@example.com', text: '' };
      expect((await call(url, 'post', entries, { params, body: entry })).status).toBe(201);
    }
    const note = { kind: 'note', author: 'oncall@example.com', text: 'weights were wrong' };
    expect((await call(url, 'post', entries, { params, body: note, token: READ_TOKEN })).status).toBe(403);
    expect((await call(url, 'post', entries, { params, body: note, token: null })).status).toBe(401);
    expect((await call(url, 'post', entries, { params: { id: 'no-such' }, body: note })).status).toBe(404);
    expect((await call(url, 'post', entries, { params, body: { ...note, kind: 'rumour' } })).status).toBe(400);
    expect((await call(url, 'post', entries, { params, rawBody: '{"kind":' })).status).toBe(400);
    expect((await call(url, 'post', entries, { params, rawBody: 'note', contentType: 'text/plain' })).status).toBe(415);
    const huge = { ...note, text: 'x'.repeat(70 * 1024) };
    expect((await call(url, 'post', entries, { params, body: huge })).status).toBe(413);

    const timeline = await call(url, 'get', '/api/v1/incidents/{id}/timeline', { params });
    const sources = (timeline.body as { entries: { source: string }[] }).entries.map((entry) => entry.source);
    expect(new Set(sources)).toEqual(new Set(['alert', 'change', 'person', 'system']));
    expect((await call(url, 'get', '/api/v1/incidents/{id}/timeline', { params: { id: 'no-such' } })).status).toBe(404);
    const detail = await call(url, 'get', '/api/v1/incidents/{id}', { params });
    expect(detail.body).toMatchObject({ status: 'closed', moments: { acknowledgedAt: minute(6).toISOString() } });
  });

  it('drafts postmortems in Markdown', async () => {
    const postmortem = '/api/v1/incidents/{id}/postmortem';
    const draft = await call(url, 'get', postmortem, { params: { id: outageId }, query: 'tz=Europe/Berlin' });
    expect(draft.status).toBe(200);
    expect(draft.body).toEqual(expect.stringContaining('#'));
    expect((await call(url, 'get', postmortem, { params: { id: outageId }, query: 'tz=Mars/Olympus' })).status).toBe(
      400,
    );
    expect((await call(url, 'get', postmortem, { params: { id: 'no-such' } })).status).toBe(404);
  });

  it('reports reliability for each grouping, with and without a range', async () => {
    const report = '/api/v1/reports/reliability';
    for (const groupBy of schemas.ReliabilityGrouping.enum) {
      const grouped = await call(url, 'get', report, { query: `groupBy=${groupBy}` });
      expect(grouped.body).toMatchObject({ groupBy, since: null, until: null, incidents: 4 });
    }
    const ranged = await call(url, 'get', report, { query: 'since=2026-11-22&until=2026-11-23T00:00:00Z' });
    expect(ranged.body).toMatchObject({ groupBy: 'none', incidents: 4 });
    const bad = await call(url, 'get', report, { query: 'groupBy=team' });
    expect(bad.status).toBe(400);
    // The parser's own list of groupings, from its message, is the document's.
    const message = (bad.body as { error: { details: { message: string }[] } }).error.details[0]!.message;
    expect(message.replace(/^must be one of /, '').split(', ')).toEqual(schemas.ReliabilityGrouping.enum);
    expect((await call(url, 'get', report, { query: 'since=7d&until=8d' })).status).toBe(400);
  });

  it('serves health, readiness, metrics and this document without credentials', async () => {
    expect((await call(url, 'get', '/healthz', { token: null })).status).toBe(200);
    expect((await call(url, 'get', '/readyz', { token: null })).status).toBe(200);
    expect((await call(url, 'get', '/metrics', { token: null })).status).toBe(200);
    const served = await call(url, 'get', '/openapi.json', { token: null });
    expect(served.body).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it('answers 503 with Retry-After when the store is down, and /readyz says why', async () => {
    const down = new StoreError('connection refused', 'unavailable');
    const store = { listIncidents: () => Promise.reject(down) } as unknown as IncidentStore;
    const notReady = { name: 'store', check: () => Promise.resolve({ ready: false, detail: 'migrating' }) };
    const server = await listen(recorderApp(store, [notReady]), '127.0.0.1', 0);
    try {
      const list = await call(server.url, 'get', '/api/v1/incidents');
      expect(list.status).toBe(503);
      expect(list.headers.get('retry-after')).toBe('5');
      expect((await call(server.url, 'get', '/readyz', { token: null })).status).toBe(503);
    } finally {
      await server.close(1000);
    }
  });

  it('exercised a success response of every recorder operation', () => {
    for (const { method, path, operation } of serviceOperations()) {
      const statuses = Object.keys(operation.responses as JsonObject).filter((status) => status.startsWith('2'));
      expect(
        statuses.some((status) => exercised.has(`${method} ${path} ${status}`)),
        `${method} ${path}`,
      ).toBe(true);
    }
  });
});

/** A value the parameter's schema rejects: outside its enum, pattern, range or length. */
function invalidValue(schema: unknown): string {
  const { node } = deref(schema, 'parameter schema');
  if (Array.isArray(node.enum)) return 'bogus';
  if (typeof node.pattern === 'string') return 'bogus';
  if (typeof node.minimum === 'number') return String(node.minimum - 1);
  if (typeof node.maxLength === 'number') return 'x'.repeat(node.maxLength + 1);
  throw new Error(`no invalid value for ${JSON.stringify(node)}`);
}

const errorBody = (code: string) => ({ error: { code, message: 'm' } });
