import { describe, expect, it } from 'vitest';
import { parseAlertmanagerWebhook } from './alertmanager-webhook.js';
import { isGoZeroTime } from './time.js';

/** A firing notification as Alertmanager 0.25+ sends it, with fields newer releases add. */
function firingBody(): Record<string, unknown> {
  return {
    receiver: 'sitrep',
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'HighErrorRate', service: 'auth', severity: 'page' },
        annotations: { summary: 'auth 5xx ratio above 5%', runbook_url: 'https://runbooks.example/auth-5xx' },
        startsAt: '2026-11-22T06:00:00.123456789Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus:9090/graph?g0.expr=job%3Aauth_errors%3Aratio5m+%3E+0.05',
        fingerprint: 'e76d76b22322c3fc',
      },
    ],
    groupLabels: { alertname: 'HighErrorRate' },
    commonLabels: { alertname: 'HighErrorRate', service: 'auth', severity: 'page' },
    commonAnnotations: { summary: 'auth 5xx ratio above 5%' },
    externalURL: 'http://alertmanager:9093',
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    truncatedAlerts: 0,
  };
}

function alertsOf(body: Record<string, unknown>): Record<string, unknown>[] {
  return body.alerts as Record<string, unknown>[];
}

function issuePaths(body: unknown): string[] {
  const result = parseAlertmanagerWebhook(body);
  if (result.ok) throw new Error('expected the body to be rejected');
  return result.issues.map((issue) => issue.path);
}

describe('parseAlertmanagerWebhook: valid bodies', () => {
  it('parses a full v4 firing notification', () => {
    const result = parseAlertmanagerWebhook(firingBody());
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const webhook = result.value;
    expect(webhook.version).toBe('4');
    expect(webhook.groupKey).toBe('{}:{alertname="HighErrorRate"}');
    expect(webhook.status).toBe('firing');
    expect(webhook.receiver).toBe('sitrep');
    expect(webhook.externalURL).toBe('http://alertmanager:9093');
    expect(webhook.groupLabels).toEqual({ alertname: 'HighErrorRate' });
    expect(webhook.truncatedAlerts).toBe(0);
    expect(webhook.alerts).toHaveLength(1);
    const alert = webhook.alerts[0]!;
    expect(alert.labels).toEqual({ alertname: 'HighErrorRate', service: 'auth', severity: 'page' });
    expect(alert.fingerprint).toBe('e76d76b22322c3fc');
    expect(alert.startsAt).toBeInstanceOf(Date);
    // Nanoseconds are truncated to the millisecond.
    expect(alert.startsAt.toISOString()).toBe('2026-11-22T06:00:00.123Z');
    expect(alert.endsAt).toBeInstanceOf(Date);
    expect(isGoZeroTime(alert.endsAt!)).toBe(true);
  });

  it('accepts unknown fields and drops them from the parsed value', () => {
    const body = firingBody();
    body.notification_reason = 'new_alert';
    alertsOf(body)[0]!.routeLabels = { receiver: 'sitrep' };
    alertsOf(body)[0]!.silenceURL = 'http://alertmanager:9093/#/silences/new';
    const result = parseAlertmanagerWebhook(body);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.value).not.toHaveProperty('notification_reason');
    expect(result.value.alerts[0]).not.toHaveProperty('routeLabels');
    expect(result.value.alerts[0]).not.toHaveProperty('silenceURL');
    expect(Object.keys(result.value).sort()).toEqual([
      'alerts',
      'commonAnnotations',
      'commonLabels',
      'externalURL',
      'groupKey',
      'groupLabels',
      'receiver',
      'status',
      'truncatedAlerts',
      'version',
    ]);
  });

  it('parses a resolved alert with a real endsAt', () => {
    const body = firingBody();
    body.status = 'resolved';
    Object.assign(alertsOf(body)[0]!, { status: 'resolved', endsAt: '2026-11-22T06:12:30.5+01:00' });
    const result = parseAlertmanagerWebhook(body);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const alert = result.value.alerts[0]!;
    expect(result.value.status).toBe('resolved');
    expect(alert.status).toBe('resolved');
    expect(alert.endsAt?.toISOString()).toBe('2026-11-22T05:12:30.500Z');
    expect(isGoZeroTime(alert.endsAt!)).toBe(false);
  });

  it('fills defaults for missing optional fields', () => {
    const result = parseAlertmanagerWebhook({
      version: '4',
      groupKey: 'g',
      status: 'firing',
      receiver: 'sitrep',
      alerts: [{ status: 'firing', labels: { alertname: 'A' }, startsAt: '2026-11-22T06:00:00Z' }],
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.value.truncatedAlerts).toBe(0);
    expect(result.value.groupLabels).toEqual({});
    expect(result.value.commonLabels).toEqual({});
    expect(result.value.commonAnnotations).toEqual({});
    expect(result.value.externalURL).toBe('');
    const alert = result.value.alerts[0]!;
    expect(alert.annotations).toEqual({});
    expect(alert.generatorURL).toBe('');
    expect(alert.endsAt).toBeUndefined();
    expect(alert.fingerprint).toBeUndefined();
  });

  it('accepts a notification with no alerts', () => {
    const body = firingBody();
    body.alerts = [];
    const result = parseAlertmanagerWebhook(body);
    expect(result.ok && result.value.alerts).toEqual([]);
  });
});

describe('isGoZeroTime', () => {
  it("is true for Go's zero time", () => {
    expect(isGoZeroTime(new Date('0001-01-01T00:00:00Z'))).toBe(true);
  });

  it('is false for real instants', () => {
    expect(isGoZeroTime(new Date('2026-11-22T06:00:00Z'))).toBe(false);
    expect(isGoZeroTime(new Date(0))).toBe(false);
  });
});

describe('parseAlertmanagerWebhook: invalid bodies name the field at fault', () => {
  it('rejects a body that is not an object', () => {
    expect(issuePaths('not an object')).toEqual(['(body)']);
    expect(issuePaths(null)).toEqual(['(body)']);
    expect(issuePaths([])).toEqual(['(body)']);
  });

  it('rejects another webhook version', () => {
    const body = firingBody();
    body.version = '3';
    expect(issuePaths(body)).toEqual(['version']);
  });

  it('rejects a missing groupKey', () => {
    const body = firingBody();
    delete body.groupKey;
    expect(issuePaths(body)).toEqual(['groupKey']);
  });

  it('rejects an unknown notification status', () => {
    const body = firingBody();
    body.status = 'pending';
    expect(issuePaths(body)).toEqual(['status']);
  });

  it('rejects alerts that are not an array', () => {
    const body = firingBody();
    body.alerts = { 0: alertsOf(firingBody())[0] };
    expect(issuePaths(body)).toEqual(['alerts']);
  });

  it('rejects a startsAt that is not a timestamp, naming the alert index', () => {
    const body = firingBody();
    const second = { ...alertsOf(body)[0]!, startsAt: 'soon' };
    body.alerts = [alertsOf(body)[0], second];
    expect(issuePaths(body)).toEqual(['alerts[1].startsAt']);
  });

  it('rejects a label value that is not a string', () => {
    const body = firingBody();
    alertsOf(body)[0]!.labels = { alertname: 'HighErrorRate', shard: 3 };
    const paths = issuePaths(body);
    expect(paths).toHaveLength(1);
    expect(paths[0]!.startsWith('alerts[0].labels')).toBe(true);
    expect(paths[0]).toBe('alerts[0].labels.shard');
  });

  it('rejects an alert with no labels', () => {
    const body = firingBody();
    alertsOf(body)[0]!.labels = {};
    expect(issuePaths(body)).toEqual(['alerts[0].labels']);
  });

  it('rejects a negative truncatedAlerts', () => {
    const body = firingBody();
    body.truncatedAlerts = -1;
    expect(issuePaths(body)).toEqual(['truncatedAlerts']);
  });

  it('rejects an endsAt that is not RFC 3339', () => {
    const body = firingBody();
    alertsOf(body)[0]!.endsAt = 'yesterday';
    expect(issuePaths(body)).toEqual(['alerts[0].endsAt']);
  });

  it('rejects a timestamp that matches the format but is not a date', () => {
    const body = firingBody();
    alertsOf(body)[0]!.startsAt = '2026-13-45T25:00:00Z';
    expect(issuePaths(body)).toEqual(['alerts[0].startsAt']);
  });

  it('reports every bad field at once', () => {
    const body = firingBody();
    body.version = '3';
    body.status = 'pending';
    alertsOf(body)[0]!.endsAt = 'yesterday';
    expect(issuePaths(body)).toEqual(['version', 'status', 'alerts[0].endsAt']);
  });
});

describe('parseAlertmanagerWebhook: only what every reader can store', () => {
  const withAlert = (changes: Record<string, unknown>): Record<string, unknown> => {
    const body = firingBody();
    Object.assign(alertsOf(body)[0]!, changes);
    return body;
  };

  it.each([
    ['year 0000', '0000-01-01T00:00:00Z'],
    ['before the Unix epoch', '1969-12-31T23:59:59.999Z'],
    ['an offset that makes it year 10000 in UTC', '9999-12-31T23:30:00-01:00'],
    ['an offset that makes it year -1 in UTC', '0000-01-01T00:00:00+01:00'],
  ])('refuses a startsAt %s', (_, startsAt) => {
    expect(issuePaths(withAlert({ startsAt }))).toEqual(['alerts[0].startsAt']);
  });

  it('takes the whole range, and Go zero time as an endsAt meaning "not ended"', () => {
    for (const startsAt of ['1970-01-01T00:00:00Z', '9999-12-31T23:59:59.999999999Z']) {
      expect(parseAlertmanagerWebhook(withAlert({ startsAt })).ok, startsAt).toBe(true);
    }
    expect(parseAlertmanagerWebhook(withAlert({ endsAt: '0001-01-01T00:00:00Z' })).ok).toBe(true);
    expect(issuePaths(withAlert({ endsAt: '1500-01-01T00:00:00Z' }))).toEqual(['alerts[0].endsAt']);
    expect(issuePaths(withAlert({ endsAt: '9999-12-31T23:30:00-01:00' }))).toEqual(['alerts[0].endsAt']);
  });

  it('refuses NUL and unpaired surrogates in any string, naming the field; takes paired ones', () => {
    expect(issuePaths(withAlert({ labels: { alertname: 'High\u0000ErrorRate' } }))).toEqual([
      'alerts[0].labels.alertname',
    ]);
    expect(issuePaths(withAlert({ annotations: { summary: 'half a pair \ud83d' } }))).toEqual([
      'alerts[0].annotations.summary',
    ]);
    expect(issuePaths(withAlert({ labels: { alertname: 'A', '\udc00x': 'y' } }))).toEqual([
      'alerts[0].labels["\\udc00x"]',
    ]);
    expect(issuePaths(withAlert({ generatorURL: 'http://p/\u0000' }))).toEqual(['alerts[0].generatorURL']);
    expect(issuePaths({ ...firingBody(), groupKey: '\u0000' })).toEqual(['groupKey']);
    expect(issuePaths({ ...firingBody(), groupLabels: { alertname: '\ud800' } })).toEqual(['groupLabels.alertname']);
    expect(parseAlertmanagerWebhook(withAlert({ labels: { alertname: 'Fire 🔥', ünïcode: 'ok' } })).ok).toBe(true);
  });

  it('says why a label name is refused', () => {
    const result = parseAlertmanagerWebhook(withAlert({ labels: { alertname: 'A', 'a\u0000': 'y' } }));
    expect(!result.ok && result.issues[0]?.message).toMatch(/name must not contain NUL/);
  });

  it('refuses a label named __proto__, which a plain object would silently drop', () => {
    const body = JSON.parse(
      JSON.stringify(firingBody()).replace('"severity":"page"', '"severity":"page","__proto__":"x"'),
    ) as Record<string, unknown>;
    expect(issuePaths(body)).toEqual(['alerts[0].labels.__proto__']);
  });

  it('refuses a truncatedAlerts beyond the safe integers', () => {
    expect(issuePaths({ ...firingBody(), truncatedAlerts: 2 ** 53 })).toEqual(['truncatedAlerts']);
    expect(issuePaths({ ...firingBody(), truncatedAlerts: 1.5 })).toEqual(['truncatedAlerts']);
  });
});
