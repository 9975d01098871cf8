import { describe, expect, it } from 'vitest';
import { ALERT_CONDITION_SOURCES, ENTRY_KINDS, parseIncidentEventRecord } from '@sitrep/contracts';
import {
  CONDITION_SOURCES,
  Correlator,
  DEFAULT_CORRELATION_SETTINGS,
  DependencyMap,
  HUMAN_ENTRY_KINDS,
  changeId,
  type IncidentEvent,
} from '@sitrep/domain';
import { domainAlert, minute } from '@sitrep/testkit';
import {
  incidentEventFromRecord,
  incidentEventMessage,
  incidentEventMessages,
  incidentEventRecord,
  readIncidentEventRecord,
} from './incident-events.js';

const at = minute;

const alert = (labels: Record<string, string>, starts: number, received: number, ends?: number) =>
  domainAlert(labels, { starts, received, ...(ends === undefined ? {} : { ends }) }, { value: '0.31' });

/** Every event type the correlator emits, from one stream. */
function everyEventType(): IncidentEvent[] {
  const c = new Correlator({
    ...DEFAULT_CORRELATION_SETTINGS,
    quietPeriodMs: 0,
    dependencies: new DependencyMap([['auth-lb', 'auth']]),
  });
  const lb = { alertname: 'BackendLoadImbalance', service: 'auth-lb', severity: 'warning' };
  const errors = { alertname: 'HighErrorRate', service: 'auth', severity: 'critical' };
  return [
    ...c.applyChange({
      id: changeId('auth-lb', 'config', at(-4), 'weights'),
      service: 'auth-lb',
      kind: 'config',
      summary: 'weights',
      at: at(-4),
      labels: {},
      link: 'https://ci.example/run/1',
      receivedAt: at(-4),
    }),
    ...c.applyAlert(alert(lb, 0, 1)),
    ...c.applyAlert(alert(errors, 3, 3.5)),
    ...c.applyAlert(alert(lb, 0, 20, 19)),
    ...c.applyAlert(alert(errors, 3, 21, 20)),
    ...c.applyAlert(alert(errors, 25, 25.5)),
  ];
}

describe('incident event records', () => {
  it('round-trips every event type through the wire format unchanged', () => {
    const events = everyEventType();
    expect(new Set(events.map((event) => event.type))).toEqual(
      new Set([
        'incident.opened',
        'incident.alert_attached',
        'incident.change_attached',
        'incident.cause_ranked',
        'incident.severity_changed',
        'incident.alert_resolved',
        'incident.resolving',
        'incident.resolved',
        'incident.reopened',
      ]),
    );
    for (const event of events) {
      const parsed = parseIncidentEventRecord(JSON.parse(JSON.stringify(incidentEventRecord(event))));
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
      expect(incidentEventFromRecord(parsed.value)).toEqual(event);
    }
  });

  it('publishes each event as the very JSON of its record, with its key and headers', () => {
    const events = everyEventType();
    for (const [index, message] of incidentEventMessages(events, { traceparent: 't' }).entries()) {
      const event = events[index] as IncidentEvent;
      expect(message).toEqual(incidentEventMessage(incidentEventRecord(event), { traceparent: 't' }));
    }
  });
});

describe('the condition of an attached alert', () => {
  const errors = { alertname: 'HighErrorRate', service: 'auth', severity: 'critical' };
  const attachedRecord = (condition?: { since: Date; source: 'prometheus_active' }) => {
    const c = new Correlator(DEFAULT_CORRELATION_SETTINGS);
    const events = c.applyAlert({ ...alert(errors, 5, 5.5), ...(condition === undefined ? {} : { condition }) });
    const attached = events.find((event) => event.type === 'incident.alert_attached');
    if (!attached) throw new Error('no alert attached');
    return { event: attached, record: JSON.parse(JSON.stringify(incidentEventRecord(attached))) as unknown };
  };
  const read = (record: unknown) => {
    const parsed = parseIncidentEventRecord(record);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    return incidentEventFromRecord(parsed.value);
  };

  it('round-trips, since as a Date', () => {
    const { event, record } = attachedRecord({ since: at(0), source: 'prometheus_active' });
    expect(record).toMatchObject({
      data: { alert: { condition: { since: at(0).toISOString(), source: 'prometheus_active' } } },
    });
    expect(read(record)).toEqual(event);
  });

  it('reads an event written before it existed as unknown', () => {
    const { event, record } = attachedRecord();
    expect(JSON.stringify(record)).not.toContain('condition');
    const alert = read(record);
    expect(alert).toEqual(event);
    expect(alert.type === 'incident.alert_attached' && 'condition' in alert.data.alert).toBe(false);
  });

  it('reads a source a newer Sitrep wrote as unknown, not as a bad record', () => {
    const { record } = attachedRecord({ since: at(0), source: 'prometheus_active' });
    const newer = JSON.parse(JSON.stringify(record)) as { data: { alert: { condition: { source: string } } } };
    newer.data.alert.condition.source = 'tempo_trace';
    const event = read(newer);
    expect(event.type === 'incident.alert_attached' && event.data.alert.condition).toBeUndefined();
    // Not anything at all: a condition whose since is no instant is still refused.
    const broken = JSON.parse(JSON.stringify(record)) as { data: { alert: { condition: { since: string } } } };
    broken.data.alert.condition.since = 'an hour ago';
    expect(parseIncidentEventRecord(broken).ok).toBe(false);
  });

  it('has the same sources on the wire as in the domain', () => {
    expect([...ALERT_CONDITION_SOURCES]).toEqual([...CONDITION_SOURCES]);
  });
});

describe('timeline entry kinds', () => {
  it('are the same on the wire as in the domain (contracts cannot import the domain, so this checks it)', () => {
    expect([...ENTRY_KINDS]).toEqual([...HUMAN_ENTRY_KINDS]);
  });
});

describe('incident events a newer Sitrep wrote', () => {
  it('reads enum values this version does not know as the closest known one, not as a bad record', () => {
    const [opened, attached] = everyEventType().map(incidentEventRecord);
    const newer = JSON.parse(JSON.stringify(attached)) as { data: { alert: Record<string, unknown> } };
    newer.data.alert.signal = 'queue_depth';
    newer.data.alert.severity = 'page';
    const parsed = parseIncidentEventRecord(newer);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.value.type !== 'incident.alert_attached') throw new Error('not parsed');
    expect(parsed.value.data.alert).toMatchObject({ signal: 'other', severity: 'warning' });
    // Not anything at all: a value of the wrong kind is still refused.
    const broken = JSON.parse(JSON.stringify(opened)) as { data: Record<string, unknown> };
    broken.data.severity = 42;
    expect(parseIncidentEventRecord(broken).ok).toBe(false);
  });
});

describe('incident event types a newer Sitrep added', () => {
  const consumed = (value: unknown) => ({
    topic: 'sitrep.incidents.v1',
    partition: 0,
    offset: '7',
    key: 'inc_1',
    value: JSON.stringify(value),
    headers: { 'sitrep-schema': 'sitrep.incident-event.v1' },
  });

  it('reads one with a sound envelope as an unrecognised event that holds its place in the sequence', () => {
    const [opened] = everyEventType().map(incidentEventRecord);
    const read = readIncidentEventRecord(
      consumed({ ...opened, sequence: 9, type: 'incident.paged', data: { who: 'x' } }),
    );
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(incidentEventFromRecord(read.value)).toMatchObject({
      type: 'incident.unrecognised',
      sequence: 9,
      data: { type: 'incident.paged' },
    });
  });

  it('still refuses a broken envelope, and a known type with broken data', () => {
    const [opened] = everyEventType().map(incidentEventRecord);
    expect(readIncidentEventRecord(consumed({ ...opened, type: 'incident.paged', sequence: 0 })).ok).toBe(false);
    expect(readIncidentEventRecord(consumed({ ...opened, data: {} }))).toMatchObject({
      ok: false,
      reason: 'schema_violation',
    });
  });
});
