import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  alertRecordJsonSchema,
  changeRecordJsonSchema,
  parseAlertmanagerWebhook,
  parseChangeRequest,
  type AlertmanagerWebhook,
  type AlertRecordV1,
  type ChangeRecordV1,
  type ChangeRequest,
} from '@sitrep/contracts';
import {
  changeId,
  DEFAULT_CORRELATION_SETTINGS,
  DependencyMap,
  labelsFingerprint,
  type ConditionLookup,
} from '@sitrep/domain';
import { alertFromRecord, alertMessages, alertRecord, alertsFromWebhook } from './alerts.js';
import { changeFromRecord, changeFromRequest, changeMessage, changeRecord } from './changes.js';

// ajv-formats is CommonJS: under NodeNext its default import is module.exports, whose `default` is the plugin.
const addFormats = addFormatsModule.default;
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
addFormats(ajv);
const validateAlertRecord = ajv.compile(alertRecordJsonSchema);
const validateChangeRecord = ajv.compile(changeRecordJsonSchema);

const RECEIVED_AT = new Date('2026-11-22T06:00:30.000Z');
const SETTINGS = DEFAULT_CORRELATION_SETTINGS;

function firingAlert(): Record<string, unknown> {
  return {
    status: 'firing',
    labels: { severity: 'page', service: 'auth', alertname: 'HighErrorRate', team: '' },
    annotations: { summary: 'auth 5xx ratio above 5%', empty: '' },
    startsAt: '2026-11-22T06:00:00.123456789Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus:9090/graph?g0.expr=up',
    fingerprint: 'e76d76b22322c3fc',
  };
}

function body(alerts: readonly Record<string, unknown>[], status = 'firing'): Record<string, unknown> {
  return {
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    truncatedAlerts: 0,
    status,
    receiver: 'sitrep',
    groupLabels: { alertname: 'HighErrorRate' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts,
  };
}

function parse(raw: Record<string, unknown>): AlertmanagerWebhook {
  const result = parseAlertmanagerWebhook(JSON.parse(JSON.stringify(raw)));
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

describe('alertsFromWebhook', () => {
  it('maps a firing alert to a domain alert', () => {
    const alerts = alertsFromWebhook(parse(body([firingAlert()])), RECEIVED_AT, SETTINGS);
    expect(alerts).toHaveLength(1);
    const alert = alerts[0]!;
    expect(alert.status).toBe('firing');
    expect(alert.fingerprint).toBe('e76d76b22322c3fc');
    expect(alert.occurrenceId).toMatch(/^[0-9a-f]{32}$/);
    expect(alert.startsAt.toISOString()).toBe('2026-11-22T06:00:00.123Z');
    expect(alert.generatorURL).toBe('http://prometheus:9090/graph?g0.expr=up');
    expect(alert.receivedAt).toEqual(RECEIVED_AT);
  });

  it('normalises labels and annotations: sorted, empty values dropped', () => {
    const alert = alertsFromWebhook(parse(body([firingAlert()])), RECEIVED_AT, SETTINGS)[0]!;
    expect(Object.keys(alert.labels)).toEqual(['alertname', 'service', 'severity']);
    expect(alert.labels).toEqual({ alertname: 'HighErrorRate', service: 'auth', severity: 'page' });
    expect(alert.annotations).toEqual({ summary: 'auth 5xx ratio above 5%' });
  });

  it("turns Go's zero endsAt into null", () => {
    expect(alertsFromWebhook(parse(body([firingAlert()])), RECEIVED_AT, SETTINGS)[0]!.endsAt).toBeNull();
  });

  it('treats a missing endsAt as null', () => {
    const { endsAt: _endsAt, ...alert } = firingAlert();
    expect(alertsFromWebhook(parse(body([alert])), RECEIVED_AT, SETTINGS)[0]!.endsAt).toBeNull();
  });

  it('keeps the endsAt of a resolved alert', () => {
    const resolved = { ...firingAlert(), status: 'resolved', endsAt: '2026-11-22T06:12:00Z' };
    const alert = alertsFromWebhook(parse(body([resolved], 'resolved')), RECEIVED_AT, SETTINGS)[0]!;
    expect(alert.status).toBe('resolved');
    expect(alert.endsAt?.toISOString()).toBe('2026-11-22T06:12:00.000Z');
  });

  it('computes a missing fingerprint from the normalised labels', () => {
    const { fingerprint: _fingerprint, ...alert } = firingAlert();
    const mapped = alertsFromWebhook(parse(body([alert])), RECEIVED_AT, SETTINGS)[0]!;
    // Same value Alertmanager sends for these labels (read from Alertmanager 0.25; see domain's fingerprint test).
    expect(mapped.fingerprint).toBe(
      labelsFingerprint({ alertname: 'HighErrorRate', service: 'auth', severity: 'page' }),
    );
    const watchdog = { status: 'firing', labels: { alertname: 'Watchdog' }, startsAt: '2026-11-22T06:00:00Z' };
    expect(alertsFromWebhook(parse(body([watchdog])), RECEIVED_AT, SETTINGS)[0]!.fingerprint).toBe('003b0a0f7d3fa569');
  });

  it('gives the same id whether or not the sender included the fingerprint', () => {
    const { fingerprint: _fingerprint, ...withoutFingerprint } = firingAlert();
    const withAm = alertsFromWebhook(
      parse(body([{ ...withoutFingerprint, labels: { alertname: 'Watchdog' }, fingerprint: '003b0a0f7d3fa569' }])),
      RECEIVED_AT,
      SETTINGS,
    )[0]!;
    const computed = alertsFromWebhook(
      parse(body([{ ...withoutFingerprint, labels: { alertname: 'Watchdog' } }])),
      RECEIVED_AT,
      SETTINGS,
    )[0]!;
    expect(computed.occurrenceId).toBe(withAm.occurrenceId);
  });

  it('turns an empty generatorURL into null', () => {
    const alert = alertsFromWebhook(parse(body([{ ...firingAlert(), generatorURL: '' }])), RECEIVED_AT, SETTINGS)[0]!;
    expect(alert.generatorURL).toBeNull();
    const { generatorURL: _generatorURL, ...missing } = firingAlert();
    expect(alertsFromWebhook(parse(body([missing])), RECEIVED_AT, SETTINGS)[0]!.generatorURL).toBeNull();
  });

  it('takes receivedAt from its argument for every alert', () => {
    const other = { ...firingAlert(), labels: { alertname: 'Watchdog' }, fingerprint: '003b0a0f7d3fa569' };
    const at = new Date('2030-01-02T03:04:05.678Z');
    const alerts = alertsFromWebhook(parse(body([firingAlert(), other])), at, SETTINGS);
    expect(alerts.map((alert) => alert.receivedAt.toISOString())).toEqual([
      '2030-01-02T03:04:05.678Z',
      '2030-01-02T03:04:05.678Z',
    ]);
  });

  it('collapses duplicate alerts within one notification', () => {
    const other = { ...firingAlert(), labels: { alertname: 'Watchdog' }, fingerprint: '003b0a0f7d3fa569' };
    const alerts = alertsFromWebhook(parse(body([firingAlert(), other, firingAlert()])), RECEIVED_AT, SETTINGS);
    expect(alerts).toHaveLength(2);
    expect(alerts.map((alert) => alert.fingerprint)).toEqual(['e76d76b22322c3fc', '003b0a0f7d3fa569']);
  });

  it('gives identical ids when the same webhook is delivered twice', () => {
    const raw = body([
      firingAlert(),
      { ...firingAlert(), labels: { alertname: 'Watchdog' }, fingerprint: '003b0a0f7d3fa569' },
    ]);
    const first = alertsFromWebhook(parse(raw), RECEIVED_AT, SETTINGS).map((alert) => alert.occurrenceId);
    const second = alertsFromWebhook(parse(raw), new Date(RECEIVED_AT.getTime() + 60_000), SETTINGS).map(
      (alert) => alert.occurrenceId,
    );
    expect(first).toHaveLength(2);
    expect(second).toEqual(first);
  });

  it('gives the firing and the resolved copy of one alert different ids', () => {
    const firing = alertsFromWebhook(parse(body([firingAlert()])), RECEIVED_AT, SETTINGS)[0]!;
    const resolved = alertsFromWebhook(
      parse(body([{ ...firingAlert(), status: 'resolved', endsAt: '2026-11-22T06:12:00Z' }], 'resolved')),
      RECEIVED_AT,
      SETTINGS,
    )[0]!;
    expect(resolved.fingerprint).toBe(firing.fingerprint);
    expect(resolved.occurrenceId).not.toBe(firing.occurrenceId);
  });

  it('keeps the resolved id stable when Alertmanager moves endsAt between repeats', () => {
    const resolvedAt = (endsAt: string) =>
      alertsFromWebhook(
        parse(body([{ ...firingAlert(), status: 'resolved', endsAt }], 'resolved')),
        RECEIVED_AT,
        SETTINGS,
      )[0]!.occurrenceId;
    expect(resolvedAt('2026-11-22T06:12:00Z')).toBe(resolvedAt('2026-11-22T06:13:00Z'));
  });
});

describe('alertRecord', () => {
  it('builds a v1 record scoped by the service label', () => {
    const webhook = parse(body([firingAlert()]));
    const alert = alertsFromWebhook(webhook, RECEIVED_AT, SETTINGS)[0]!;
    const record = alertRecord(alert, webhook);
    expect(record).toEqual({
      schema: 'sitrep.alert.v1',
      id: alert.occurrenceId,
      fingerprint: 'e76d76b22322c3fc',
      status: 'firing',
      labels: { alertname: 'HighErrorRate', service: 'auth', severity: 'page' },
      annotations: { summary: 'auth 5xx ratio above 5%' },
      startsAt: '2026-11-22T06:00:00.123Z',
      endsAt: null,
      generatorURL: 'http://prometheus:9090/graph?g0.expr=up',
      receivedAt: '2026-11-22T06:00:30.000Z',
      scope: { label: 'service', value: 'auth', qualifiers: {} },
      notification: {
        groupKey: '{}:{alertname="HighErrorRate"}',
        receiver: 'sitrep',
        status: 'firing',
        externalURL: 'http://alertmanager:9093',
        groupLabels: { alertname: 'HighErrorRate' },
        truncatedAlerts: 0,
        alertsWithKey: 1,
      },
    });
  });

  it('falls back to alertname when the alert has no service label', () => {
    const webhook = parse(
      body([{ ...firingAlert(), labels: { alertname: 'Watchdog' }, fingerprint: '003b0a0f7d3fa569' }]),
    );
    const record = alertRecord(alertsFromWebhook(webhook, RECEIVED_AT, SETTINGS)[0]!, webhook);
    expect(record.scope).toEqual({ label: 'alertname', value: 'Watchdog', qualifiers: {} });
  });

  it('produces records that validate against the published JSON schema', () => {
    const webhook = parse(
      body(
        [
          firingAlert(),
          { ...firingAlert(), status: 'resolved', endsAt: '2026-11-22T06:12:00Z', generatorURL: '' },
          { status: 'firing', labels: { alertname: 'Watchdog' }, startsAt: '2026-11-22T06:00:00+02:00' },
        ],
        'firing',
      ),
    );
    const records = alertsFromWebhook(webhook, RECEIVED_AT, SETTINGS).map((alert) => alertRecord(alert, webhook));
    expect(records).toHaveLength(3);
    for (const record of records) {
      const valid = validateAlertRecord(JSON.parse(JSON.stringify(record)));
      expect(validateAlertRecord.errors).toBeNull();
      expect(valid).toBe(true);
    }
  });
});

describe('alertMessages', () => {
  const settings = { dependencies: new DependencyMap([['auth-lb', 'auth']]) };

  it('keys each alert by the dependency component of its service, with id, schema and trace headers', () => {
    const webhook = parse(
      body([
        firingAlert(),
        { ...firingAlert(), labels: { alertname: 'Imbalance', service: 'auth-lb' }, fingerprint: '0000000000000001' },
        { ...firingAlert(), labels: { alertname: 'DiskFull', service: 'db' }, fingerprint: '0000000000000002' },
      ]),
    );
    const alerts = alertsFromWebhook(webhook, RECEIVED_AT, SETTINGS);
    const messages = alertMessages(alerts, webhook, settings, { traceparent: 'tp' });
    expect(messages.map((message) => message.key)).toEqual(['auth', 'auth', 'db']);
    expect(messages[0]!.headers).toEqual({
      traceparent: 'tp',
      'sitrep-id': alerts[0]!.occurrenceId,
      'sitrep-schema': 'sitrep.alert.v1',
      'content-type': 'application/json',
    });
  });

  it('reads back as the alerts it was made from, scope and qualifiers included', () => {
    const webhook = parse(body([{ ...firingAlert(), labels: { alertname: 'X', service: 'auth', cluster: 'eu-1' } }]));
    const alerts = alertsFromWebhook(webhook, RECEIVED_AT, SETTINGS);
    expect(alerts[0]!.scope).toEqual({ label: 'service', service: 'auth', qualifiers: { cluster: 'eu-1' } });
    const [message] = alertMessages(alerts, webhook, settings, {});
    expect(alertFromRecord(JSON.parse(message!.value) as AlertRecordV1)).toEqual(alerts[0]);
  });

  it('reads a record written before scopes had qualifiers as unqualified', () => {
    const webhook = parse(body([firingAlert()]));
    const record = alertRecord(alertsFromWebhook(webhook, RECEIVED_AT, SETTINGS)[0]!, webhook);
    const older = { ...record, scope: { label: 'service', value: 'auth' } };
    expect(alertFromRecord(older).scope).toEqual({ label: 'service', service: 'auth', qualifiers: {} });
  });
});

describe('when the condition first held', () => {
  // HighErrorRate's rule has for: 5m: its condition held from five minutes before it fired.
  const FIVE_MINUTES = 5 * 60_000;
  const seen: Parameters<ConditionLookup>[0][] = [];
  const ruleFor: ConditionLookup = (alert) => {
    seen.push(alert);
    return alert.labels.alertname === 'HighErrorRate'
      ? { since: new Date(alert.startsAt.getTime() - FIVE_MINUTES), source: 'prometheus_rule' }
      : null;
  };

  it('asks the lookup with the normalised labels and writes what it knows into the record', () => {
    const webhook = parse(
      body([firingAlert(), { ...firingAlert(), labels: { alertname: 'Other' }, fingerprint: '0000000000000001' }]),
    );
    const [errors, other] = alertsFromWebhook(webhook, RECEIVED_AT, SETTINGS, ruleFor);
    expect(seen[0]).toEqual({
      labels: { alertname: 'HighErrorRate', service: 'auth', severity: 'page' },
      startsAt: new Date('2026-11-22T06:00:00.123Z'),
      status: 'firing',
    });
    expect(errors!.condition).toEqual({ since: new Date('2026-11-22T05:55:00.123Z'), source: 'prometheus_rule' });
    expect(other!.condition).toBeUndefined();
    const record = alertRecord(errors!, webhook);
    expect(record.condition).toEqual({ since: '2026-11-22T05:55:00.123Z', source: 'prometheus_rule' });
    expect(validateAlertRecord(JSON.parse(JSON.stringify(record)))).toBe(true);
    expect(validateAlertRecord.errors).toBeNull();
    expect('condition' in alertRecord(other!, webhook)).toBe(false);
  });

  it('reads back as the alert it was made from', () => {
    const webhook = parse(body([firingAlert()]));
    const alerts = alertsFromWebhook(webhook, RECEIVED_AT, SETTINGS, ruleFor);
    const [message] = alertMessages(alerts, webhook, SETTINGS, {});
    expect(alertFromRecord(JSON.parse(message!.value) as AlertRecordV1)).toEqual(alerts[0]);
  });

  it('keeps no condition after startsAt or before 1970 (no reader could store it)', () => {
    const webhook = parse(body([firingAlert()]));
    const later: ConditionLookup = (alert) => ({
      since: new Date(alert.startsAt.getTime() + 1),
      source: 'prometheus_active',
    });
    const ancient: ConditionLookup = () => ({ since: new Date(-1), source: 'correlation_file' });
    expect(alertsFromWebhook(webhook, RECEIVED_AT, SETTINGS, later)[0]!.condition).toBeUndefined();
    expect(alertsFromWebhook(webhook, RECEIVED_AT, SETTINGS, ancient)[0]!.condition).toBeUndefined();
  });

  it('reads a record written before it existed as unknown', () => {
    const webhook = parse(body([firingAlert()]));
    const record = alertRecord(alertsFromWebhook(webhook, RECEIVED_AT, SETTINGS)[0]!, webhook);
    expect('condition' in record).toBe(false);
    expect('condition' in alertFromRecord(record)).toBe(false);
  });
});

function changeRequest(raw: Record<string, unknown>): ChangeRequest {
  const result = parseChangeRequest(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

describe('changeFromRequest and changeRecord', () => {
  const raw = {
    service: 'auth',
    kind: 'deploy',
    summary: 'auth v1.4.2',
    at: '2026-11-22T05:55:00Z',
    labels: { zone: 'eu-1', team: 'identity', empty: '' },
  };

  it('derives the id from the change when the sender gave none', () => {
    const change = changeFromRequest(changeRequest(raw), RECEIVED_AT);
    expect(change.id).toBe(changeId('auth', 'deploy', new Date('2026-11-22T05:55:00Z'), 'auth v1.4.2'));
    expect(changeFromRequest(changeRequest(raw), new Date('2030-01-01T00:00:00Z')).id).toBe(change.id);
  });

  it("keeps the sender's id", () => {
    expect(changeFromRequest(changeRequest({ ...raw, id: 'gh-actions:run.4711' }), RECEIVED_AT).id).toBe(
      'gh-actions:run.4711',
    );
  });

  it('builds a v1 record that validates against the published JSON schema', () => {
    const record = changeRecord(changeFromRequest(changeRequest(raw), RECEIVED_AT));
    expect(record).toEqual({
      schema: 'sitrep.change.v1',
      id: changeId('auth', 'deploy', new Date('2026-11-22T05:55:00Z'), 'auth v1.4.2'),
      service: 'auth',
      kind: 'deploy',
      summary: 'auth v1.4.2',
      at: '2026-11-22T05:55:00.000Z',
      labels: { team: 'identity', zone: 'eu-1' },
      link: null,
      receivedAt: '2026-11-22T06:00:30.000Z',
    });
    expect(Object.keys(record.labels)).toEqual(['team', 'zone']);
    const valid = validateChangeRecord(JSON.parse(JSON.stringify(record)));
    expect(validateChangeRecord.errors).toBeNull();
    expect(valid).toBe(true);
    const linked = changeRecord(
      changeFromRequest(changeRequest({ ...raw, link: 'https://ci.example/4711' }), RECEIVED_AT),
    );
    expect(linked.link).toBe('https://ci.example/4711');
    expect(validateChangeRecord(JSON.parse(JSON.stringify(linked)))).toBe(true);
  });

  it('keys a change like the alerts it may explain, and reads it back unchanged', () => {
    const change = changeFromRequest(changeRequest({ ...raw, service: 'auth-lb' }), RECEIVED_AT);
    const message = changeMessage(change, { dependencies: new DependencyMap([['auth-lb', 'auth']]) }, {});
    expect(message.key).toBe('auth');
    expect(message.headers['sitrep-id']).toBe(change.id);
    expect(changeFromRecord(JSON.parse(message.value) as ChangeRecordV1)).toEqual(change);
  });
});
