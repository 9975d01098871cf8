import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Express } from 'express';
import { readAlert, readChange } from '@sitrep/codec';
import { EnvReader } from '@sitrep/config';
import { topicNames } from '@sitrep/contracts';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import { FakeClock } from '@sitrep/testkit';
import { faultyEmbeddedBus, type FaultyBus } from '@sitrep/bus/testing';
import { createApp } from './app.js';
import { loadIngestConfig } from './config.js';
import { ingestTopics } from './service.js';

/*
 * Property suites for the two receivers, through the real express app on the real embedded bus:
 * whatever JSON a sender posts is answered 2xx or 4xx, never a 5xx or a thrown error, and
 * whatever is accepted is stored as records that the correlator's readers (readAlert,
 * readChange) accept after the round trip through the bus. The seed is fixed, so a failure
 * reproduces; the case counts are in the README's Reliability section.
 */

const TOKEN = 'tok-fuzz-7c2d';
const NOW = '2026-11-22T06:00:30.000Z';
const TOPICS = topicNames('sitrep.');
/** Cases per property; the README quotes them. */
const FUZZ_RUNS = { any: 400, webhooks: 300, changes: 300 } as const;
const SEED = 20261122;

let app: Express;
let bus: FaultyBus;

beforeAll(async () => {
  const reader = new EnvReader({ SITREP_INGEST_BEARER_TOKEN: TOKEN });
  const config = loadIngestConfig(reader);
  reader.finish();
  bus = faultyEmbeddedBus({ logger: createMemoryLogger('error').logger });
  await bus.start(ingestTopics(config));
  app = createApp({
    config,
    bus,
    clock: new FakeClock(NOW),
    logger: createMemoryLogger('error').logger,
    registry: createMetricsRegistry({ service: 'alert-ingest', processMetrics: false }),
    readiness: [],
  });
});
afterAll(async () => {
  await bus.close();
});

/** Posts any JSON value as the body, exactly as serialised. */
const post = (path: string, body: unknown) =>
  request(app)
    .post(path)
    .set('Authorization', `Bearer ${TOKEN}`)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify(body));

/** Strings a sender might put anywhere: plain, any Unicode, broken UTF-16, and names that trip objects. */
const text = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\u0000',
      '\ud800',
      '\udc00x',
      '__proto__',
      'constructor',
      'toString',
      'alertname',
    ),
  },
);
/** Storable strings only: what a careful sender writes. */
const goodText = fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 8 }));

const pad = (value: number, width: number): string => String(value).padStart(width, '0');
/** An integer in the range, often one of the edges that matter. */
const around = (min: number, max: number, ...edges: number[]) =>
  fc.oneof(fc.integer({ min, max }), fc.constantFrom(...edges));
/**
 * RFC 3339-shaped text over the whole range the pattern admits, calendar or not, often at the
 * edges (year 0000 or 9999 with an offset is year -1 or 10000 in UTC, which no reader took).
 */
const rfc3339ish = fc
  .record({
    year: around(0, 9999, 0, 1, 1969, 1970, 9999),
    month: around(0, 13, 1, 12),
    day: around(0, 32, 1, 31),
    hour: around(0, 25, 0, 23),
    minute: around(0, 61, 0, 59),
    second: around(0, 61, 0, 59),
    fraction: fc.constantFrom('', '.5', '.123', '.123456789'),
    zone: fc.constantFrom('Z', '+00:00', '-01:00', '+14:00', '+05:30', '-12:00'),
  })
  .map(
    (t) =>
      `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}T${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}${t.fraction}${t.zone}`,
  );
const recent = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2026-11-22T06:05:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString());
/** Instants at the edges of what readers take, valid RFC 3339 all of them. */
const edgeInstant = fc.constantFrom(
  '0000-01-01T00:00:00+05:30',
  '0001-01-01T00:00:00Z',
  '1969-12-31T23:59:59.999Z',
  '1970-01-01T00:00:00+01:00',
  '1970-01-01T00:00:00Z',
  '9999-12-31T23:59:59-01:00',
  '2026-11-22T06:05:30Z',
  '2026-11-22T06:05:31Z',
);
const instant = fc.oneof(
  { weight: 3, arbitrary: recent },
  { weight: 3, arbitrary: rfc3339ish },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '0001-01-01T00:00:00Z',
      '0000-01-01T00:00:00Z',
      '9999-12-31T23:59:59-01:00',
      '1969-12-31T23:59:59Z',
      '2026-02-29T00:00:00Z',
      'soon',
    ),
  },
);
const number = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.nat(),
  fc.double(),
  fc.constantFrom(2 ** 53, 1e308, -0, 0.5),
);
const labels = (key: fc.Arbitrary<string>, value: fc.Arbitrary<string>) => fc.dictionary(key, value, { maxKeys: 5 });

/** What a body is made of: any strings and instants, or (for the agreement properties) good ones. */
interface Parts {
  readonly str: fc.Arbitrary<string>;
  readonly at: fc.Arbitrary<string>;
  readonly status: fc.Arbitrary<string>;
  readonly count: fc.Arbitrary<unknown>;
}

const anyParts: Parts = {
  str: text,
  at: instant,
  status: fc.constantFrom('firing', 'resolved', 'firing', 'pending'),
  count: fc.oneof(fc.nat({ max: 5 }), number),
};
const goodParts: Parts = {
  str: goodText,
  at: fc.oneof(
    { weight: 3, arbitrary: recent },
    { weight: 2, arbitrary: rfc3339ish },
    { weight: 2, arbitrary: edgeInstant },
  ),
  status: fc.constantFrom('firing', 'resolved'),
  count: fc.nat({ max: 5 }),
};

const webhookAlert = ({ str, at, status }: Parts) =>
  fc.record(
    {
      status,
      labels: fc.oneof(
        labels(str, str),
        labels(str, str).map((set) => ({ alertname: 'Fuzz', ...set })),
      ),
      annotations: labels(str, str),
      startsAt: at,
      endsAt: fc.oneof(fc.constant('0001-01-01T00:00:00Z'), at),
      generatorURL: str,
      fingerprint: str,
    },
    { requiredKeys: ['status', 'labels', 'startsAt'] },
  );

const webhook = (parts: Parts, version: fc.Arbitrary<unknown>) =>
  fc.record(
    {
      version,
      groupKey: parts.str,
      truncatedAlerts: parts.count,
      status: fc.constantFrom('firing', 'resolved'),
      receiver: parts.str,
      groupLabels: labels(parts.str, parts.str),
      commonLabels: labels(parts.str, parts.str),
      commonAnnotations: labels(parts.str, parts.str),
      externalURL: parts.str,
      alerts: fc.array(webhookAlert(parts), { maxLength: 4 }),
    },
    { requiredKeys: ['version', 'groupKey', 'status', 'receiver', 'alerts'] },
  );

/** One field of a body replaced by any JSON value. */
const mutated = <T extends Record<string, unknown>>(body: fc.Arbitrary<T>) =>
  fc
    .tuple(body, fc.jsonValue())
    .chain(([value, replacement]) =>
      fc.constantFrom(...Object.keys(value), 'extra').map((key) => ({ ...value, [key]: replacement })),
    );

const anyWebhook = fc.oneof(
  { weight: 4, arbitrary: webhook(anyParts, fc.constantFrom('4', '4', '3', 4)) },
  { weight: 2, arbitrary: mutated(webhook(anyParts, fc.constant('4'))) },
  { weight: 1, arbitrary: fc.jsonValue() },
);

const changeId = fc.stringMatching(/^[A-Za-z0-9._:-]{1,20}$/);
const labelName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);

/** A change body; `good` keeps the fields with a fixed syntax (id, kind, label names, link) valid. */
const change = ({ str, at }: Parts, good: boolean) =>
  fc.record(
    {
      id: good ? changeId : fc.oneof(changeId, str),
      service: str,
      kind: good ? fc.constantFrom('deploy', 'config', 'feature_flag') : fc.oneof(fc.constant('deploy'), str),
      summary: str,
      at,
      labels: labels(good ? labelName : fc.oneof(labelName, str), str),
      link: good ? fc.webUrl() : fc.oneof(fc.webUrl(), str),
    },
    { requiredKeys: ['service', 'kind', 'summary', 'at'] },
  );

const anyChange = fc.oneof(
  { weight: 4, arbitrary: change(anyParts, false) },
  { weight: 2, arbitrary: mutated(change(anyParts, false)) },
  { weight: 1, arbitrary: fc.jsonValue() },
);

/** A 2xx, or a 4xx with a catalogued, bounded error body: never a 5xx, never a hang or a throw. */
function expectHandled(res: request.Response): void {
  expect(res.status, res.text.slice(0, 500)).toBeLessThan(500);
  if (res.status >= 400) {
    expect(typeof (res.body as { error?: { code?: unknown } }).error?.code).toBe('string');
    expect(res.text.length).toBeLessThan(16 * 1024);
  }
}

/** The records with these ids as the correlator reads them back from the bus. */
async function storedRecords(topic: string, ids: readonly string[]) {
  const wanted = new Set(ids);
  return (await bus.readAll(topic)).filter((message) => wanted.has(message.headers['sitrep-id'] ?? ''));
}

describe('POST /api/v1/alertmanager with any JSON', () => {
  it('answers 2xx or 4xx, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(anyWebhook, async (body) => {
        expectHandled(await post('/api/v1/alertmanager', body));
      }),
      { numRuns: FUZZ_RUNS.any, seed: SEED },
    );
  });

  it('stores what it accepts as records the correlator reads', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(webhook(goodParts, fc.constant('4')), async (body) => {
        const res = await post('/api/v1/alertmanager', body);
        expectHandled(res);
        if (res.status !== 200) return;
        accepted += 1;
        const { ids } = res.body as { ids: string[] };
        const records = await storedRecords(TOPICS.alerts, ids);
        expect(new Set(records.map((record) => record.headers['sitrep-id']))).toEqual(new Set(ids));
        for (const record of records) {
          const read = readAlert(record);
          expect(read.ok, JSON.stringify(read)).toBe(true);
        }
      }),
      { numRuns: FUZZ_RUNS.webhooks, seed: SEED },
    );
    // Not vacuous: a good share of these bodies are accepted.
    expect(accepted).toBeGreaterThan(FUZZ_RUNS.webhooks / 5);
  });
});

describe('POST /api/v1/changes with any JSON', () => {
  it('answers 2xx or 4xx, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(anyChange, async (body) => {
        expectHandled(await post('/api/v1/changes', body));
      }),
      { numRuns: FUZZ_RUNS.any, seed: SEED },
    );
  });

  it('stores what it accepts as records the correlator reads', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(change(goodParts, true), async (body) => {
        const res = await post('/api/v1/changes', body);
        expectHandled(res);
        if (res.status !== 200) return;
        accepted += 1;
        const { id } = res.body as { id: string };
        const records = await storedRecords(TOPICS.changes, [id]);
        expect(records.length).toBeGreaterThan(0);
        for (const record of records) {
          const read = readChange(record);
          expect(read.ok, JSON.stringify(read)).toBe(true);
        }
      }),
      { numRuns: FUZZ_RUNS.changes, seed: SEED },
    );
    expect(accepted).toBeGreaterThan(FUZZ_RUNS.changes / 5);
  });
});
