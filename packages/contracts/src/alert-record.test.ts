import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alertRecordJsonSchema,
  alertRecordSchema,
  parseAlertRecord,
  wellFormedAlertRecord,
  type AlertRecordV1,
} from './alert-record.js';
import { parseWith } from './validation.js';
import { changeRecordJsonSchema, type ChangeRecordV1 } from './change-record.js';

// ajv-formats is CommonJS: under NodeNext its default import is module.exports, whose `default` is the plugin.
const addFormats = addFormatsModule.default;

const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
addFormats(ajv);
const validateAlertRecord = ajv.compile(alertRecordJsonSchema);
const validateChangeRecord = ajv.compile(changeRecordJsonSchema);

function alertRecord(): AlertRecordV1 {
  return {
    schema: 'sitrep.alert.v1',
    id: '0123456789abcdef0123456789abcdef',
    fingerprint: 'e76d76b22322c3fc',
    status: 'firing',
    labels: { alertname: 'HighErrorRate', service: 'auth', severity: 'page' },
    annotations: { summary: 'auth 5xx ratio above 5%' },
    startsAt: '2026-11-22T06:00:00.123Z',
    endsAt: null,
    generatorURL: 'http://prometheus:9090/graph?g0.expr=up',
    receivedAt: '2026-11-22T06:00:30.000Z',
    scope: { label: 'service', value: 'auth' },
    notification: {
      groupKey: '{}:{alertname="HighErrorRate"}',
      receiver: 'sitrep',
      status: 'firing',
      externalURL: 'http://alertmanager:9093',
      groupLabels: { alertname: 'HighErrorRate' },
      truncatedAlerts: 0,
    },
  };
}

function changeRecord(): ChangeRecordV1 {
  return {
    schema: 'sitrep.change.v1',
    id: 'gh-actions:run.4711',
    service: 'auth',
    kind: 'deploy',
    summary: 'auth v1.4.2',
    at: '2026-11-22T05:55:00.000Z',
    labels: { team: 'identity' },
    link: null,
    receivedAt: '2026-11-22T05:55:01.000Z',
  };
}

function schemaErrorPaths(valid: boolean, errors: typeof validateAlertRecord.errors): string[] {
  expect(valid).toBe(false);
  return (errors ?? []).map((error) => `${error.instancePath}:${error.keyword}`);
}

describe('alert record v1', () => {
  it('a valid record validates against the JSON schema and parses', () => {
    const record = alertRecord();
    expect(validateAlertRecord(record)).toBe(true);
    expect(validateAlertRecord.errors).toBeNull();
    const parsed = parseAlertRecord(JSON.parse(JSON.stringify(record)));
    expect(parsed).toEqual({ ok: true, value: record });
  });

  it('a resolved record with endsAt and no generatorURL is valid too', () => {
    const record: AlertRecordV1 = {
      ...alertRecord(),
      status: 'resolved',
      endsAt: '2026-11-22T06:12:00.000Z',
      generatorURL: null,
    };
    expect(validateAlertRecord(record)).toBe(true);
    expect(parseAlertRecord(record).ok).toBe(true);
  });

  it('JSON schema rejects an extra property', () => {
    const record = { ...alertRecord(), severity: 'page' };
    expect(schemaErrorPaths(validateAlertRecord(record), validateAlertRecord.errors)).toEqual([
      ':additionalProperties',
    ]);
  });

  it('JSON schema rejects an extra property inside scope', () => {
    const record = { ...alertRecord(), scope: { label: 'service', value: 'auth', extra: 'x' } };
    expect(schemaErrorPaths(validateAlertRecord(record), validateAlertRecord.errors)).toEqual([
      '/scope:additionalProperties',
    ]);
  });

  it('JSON schema and parser both reject a bad id', () => {
    const record = { ...alertRecord(), id: 'NOT-A-HEX-ID' };
    expect(schemaErrorPaths(validateAlertRecord(record), validateAlertRecord.errors)).toEqual(['/id:pattern']);
    const parsed = parseAlertRecord(record);
    expect(parsed.ok ? [] : parsed.issues.map((issue) => issue.path)).toEqual(['id']);
  });

  it('JSON schema rejects a timestamp that is not a date-time', () => {
    const record = { ...alertRecord(), receivedAt: 'yesterday' };
    expect(schemaErrorPaths(validateAlertRecord(record), validateAlertRecord.errors)).toEqual(['/receivedAt:format']);
  });

  it('JSON schema rejects a missing required field', () => {
    const { endsAt: _endsAt, ...record } = alertRecord();
    expect(schemaErrorPaths(validateAlertRecord(record), validateAlertRecord.errors)).toEqual([':required']);
  });

  it('parser rejects a wrong schema name', () => {
    const parsed = parseAlertRecord({ ...alertRecord(), schema: 'sitrep.alert.v2' });
    expect(parsed.ok ? [] : parsed.issues.map((issue) => issue.path)).toEqual(['schema']);
  });
});

describe('change record v1', () => {
  it('a valid record validates against the JSON schema', () => {
    expect(validateChangeRecord(changeRecord())).toBe(true);
    expect(validateChangeRecord({ ...changeRecord(), link: 'https://ci.example/4711' })).toBe(true);
  });

  it('JSON schema rejects an extra property and a bad kind', () => {
    expect(
      schemaErrorPaths(validateChangeRecord({ ...changeRecord(), extra: 1 }), validateChangeRecord.errors),
    ).toEqual([':additionalProperties']);
    expect(
      schemaErrorPaths(validateChangeRecord({ ...changeRecord(), kind: 'Deploy Now' }), validateChangeRecord.errors),
    ).toEqual(['/kind:pattern']);
  });
});

describe('alert record v1: what the edge accepts, no more', () => {
  it.each([
    ['startsAt', { startsAt: '1969-12-31T23:59:59.999Z' }],
    ['startsAt', { startsAt: '0000-01-01T00:00:00.000Z' }],
    ['receivedAt', { receivedAt: '+010000-01-01T00:00:00.000Z' }],
    ['labels.alertname', { labels: { alertname: 'a\u0000b' } }],
    ['annotations.summary', { annotations: { summary: '\ud83d' } }],
    ['generatorURL', { generatorURL: '\udc00' }],
    ['scope.value', { scope: { label: 'service', value: '\u0000' } }],
  ])('parser refuses %s out of range or unstorable', (path, change) => {
    const parsed = parseAlertRecord({ ...alertRecord(), ...change });
    expect(parsed.ok ? [] : parsed.issues.map((issue) => issue.path)).toEqual([path]);
  });

  it('parser takes the edges of the range and paired surrogates', () => {
    const record = {
      ...alertRecord(),
      startsAt: '1970-01-01T00:00:00.000Z',
      receivedAt: '9999-12-31T23:59:59.999Z',
      labels: { alertname: 'Fire 🔥' },
    };
    expect(parseAlertRecord(record).ok).toBe(true);
  });
});

/*
 * The hand check in front of the schema must be the schema, faster: on any value, the same
 * verdict, and when it accepts, the very value (key order included) the schema outputs. Values
 * are near-valid records with fields bent into something odd now and then, so both paths run.
 */
describe('the fast check of alert records', () => {
  const mostly = <T, U>(good: fc.Arbitrary<T>, odd: fc.Arbitrary<U>) =>
    fc.oneof({ arbitrary: good, weight: 10 }, { arbitrary: odd, weight: 1 });
  const oddText = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('', '\u0000', 'a\ud800b', '__proto__', 'é'));
  const oddValue = fc.oneof(
    oddText,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant([]),
    fc.constant({}),
  );
  const instant = mostly(
    fc
      .date({ min: new Date(0), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true })
      .map((d) => d.toISOString()),
    fc.oneof(
      fc.constantFrom(
        '2026-11-22T03:00:00Z',
        '2026-11-22T03:00:00.123456Z',
        '2026-02-30T00:00:00.000Z',
        '2026-11-22T24:00:00.000Z',
        '1969-12-31T23:59:59.999Z',
        '2026-11-22T03:00:00.000+01:00',
      ),
      oddValue,
    ),
  );
  const labels = fc.oneof(
    {
      arbitrary: fc.dictionary(
        mostly(fc.stringMatching(/^[a-z_]{1,6}$/), oddText),
        mostly(fc.stringMatching(/^[a-z0-9-]{0,6}$/), oddValue),
        { maxKeys: 3 },
      ),
      weight: 10,
    },
    { arbitrary: fc.constant(JSON.parse('{"__proto__": "x", "a": "b"}') as unknown), weight: 1 },
    { arbitrary: oddValue, weight: 1 },
  );
  const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 3 });
  const status = mostly(fc.constantFrom('firing', 'resolved'), oddValue);
  const record = fc.record(
    {
      schema: mostly(fc.constant('sitrep.alert.v1'), oddValue),
      id: mostly(fc.stringMatching(/^[0-9a-f]{32}$/), oddText),
      fingerprint: mostly(fc.stringMatching(/^[0-9a-f]{16}$/), oddValue),
      status,
      labels,
      annotations: labels,
      startsAt: instant,
      endsAt: fc.oneof(fc.constant(null), instant),
      generatorURL: fc.oneof(fc.constant(null), mostly(fc.constant('http://prometheus:9090/graph'), oddValue)),
      receivedAt: instant,
      scope: mostly(
        fc.record(
          {
            label: mostly(fc.constant('service'), oddValue),
            value: mostly(fc.constant('auth'), oddValue),
            qualifiers: maybe(labels),
            extra: maybe(oddValue),
          },
          { requiredKeys: ['label', 'value'] },
        ),
        oddValue,
      ),
      notification: mostly(
        fc.record(
          {
            groupKey: mostly(fc.constant('{}:{alertname="HighErrorRate"}'), oddValue),
            receiver: mostly(fc.constant('sitrep'), oddValue),
            status,
            externalURL: mostly(fc.constant('http://alertmanager:9093'), oddValue),
            groupLabels: labels,
            truncatedAlerts: mostly(fc.nat(), oddValue),
            alertsWithKey: maybe(
              mostly(fc.integer({ min: 1, max: 50 }), fc.oneof(fc.constant(0), fc.double(), oddValue)),
            ),
          },
          { requiredKeys: ['groupKey', 'receiver', 'status', 'externalURL', 'groupLabels', 'truncatedAlerts'] },
        ),
        oddValue,
      ),
      condition: maybe(
        mostly(
          fc.record({
            since: instant,
            source: mostly(
              fc.constantFrom('prometheus_active', 'prometheus_rule', 'correlation_file'),
              fc.constantFrom('a_future_source', 7),
            ),
          }),
          oddValue,
        ),
      ),
      extra: maybe(oddValue),
    },
    {
      requiredKeys: [
        'schema',
        'id',
        'fingerprint',
        'status',
        'labels',
        'annotations',
        'startsAt',
        'endsAt',
        'generatorURL',
        'receivedAt',
        'scope',
        'notification',
      ],
    },
  );
  // Through JSON, as records arrive (no undefined values, `__proto__` an own key).
  const wire = record.map((value) => JSON.parse(JSON.stringify(value)) as unknown);

  it('gives exactly what the schema gives, on any value', () => {
    let fast = 0;
    let schemaOnly = 0;
    fc.assert(
      fc.property(wire, (value) => {
        const expected = parseWith(alertRecordSchema, value);
        const actual = parseAlertRecord(value);
        expect(actual).toStrictEqual(expected);
        if (actual.ok) expect(JSON.stringify(actual.value)).toBe(JSON.stringify(expected.ok && expected.value));
        if (wellFormedAlertRecord(value) === undefined) schemaOnly += 1;
        else fast += 1;
      }),
      { numRuns: 3000, seed: 20261202 },
    );
    // Both paths ran: a check that always deferred to the schema would pass the above trivially.
    expect(fast).toBeGreaterThan(100);
    expect(schemaOnly).toBeGreaterThan(100);
  });

  it('takes the fast path for a record as ingest writes it', () => {
    const written = JSON.parse(
      JSON.stringify({ ...alertRecord(), condition: { since: '2026-11-22T05:55:00.000Z', source: 'prometheus_rule' } }),
    ) as unknown;
    expect(wellFormedAlertRecord(written)).toStrictEqual(
      parseWith(alertRecordSchema, written).ok && (parseWith(alertRecordSchema, written) as { value: unknown }).value,
    );
  });
});
