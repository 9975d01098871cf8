import { describe, expect, it } from 'vitest';
import { ENTRY_KINDS, parseIncidentEventRecord } from '@sitrep/contracts';
import {
  Correlator,
  DEFAULT_CORRELATION_SETTINGS,
  DependencyMap,
  HUMAN_ENTRY_KINDS,
  changeId,
  type IncidentEvent,
} from '@sitrep/domain';
import { domainAlert, minute } from '@sitrep/testkit';
import { incidentEventFromRecord, incidentEventRecord } from './incident-events.js';

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
});

describe('timeline entry kinds', () => {
  it('are the same on the wire as in the domain (contracts cannot import the domain, so this checks it)', () => {
    expect([...ENTRY_KINDS]).toEqual([...HUMAN_ENTRY_KINDS]);
  });
});
