import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { alertRecordJsonSchema, parseAlertRecord, type AlertRecordV1 } from './alert-record.js';
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
