import { describe, expect, it } from 'vitest';
import type { IncidentAlert, IncidentEvent } from '../correlation/incident-event.js';
import { incidentAlerts } from './incident-alerts.js';

const at = (minute: number) => new Date(Date.parse('2026-11-22T03:00:00Z') + minute * 60_000);

function alert(alertId: string, fingerprint: string, minute: number): IncidentAlert {
  return {
    alertId,
    fingerprint,
    alertname: 'HighErrorRate',
    signal: 'error_rate',
    service: 'auth',
    severity: 'critical',
    labels: { alertname: 'HighErrorRate', service: 'auth' },
    annotations: {},
    startsAt: at(minute),
    receivedAt: at(minute + 0.5),
    value: null,
    generatorURL: null,
  };
}

let sequence = 0;
function event(incidentId: string, type: IncidentEvent['type'], data: object): IncidentEvent {
  sequence += 1;
  // Built from a variable, so fields a newer event version adds need not be spelt out here.
  const base = { id: `e${sequence}`, type, incidentId, sequence, occurredAt: at(sequence), data };
  return base as IncidentEvent;
}

describe('incidentAlerts', () => {
  it('gives each incident its occurrences, ended by their resolutions, from the events alone', () => {
    const events = [
      event('inc_1', 'incident.opened', {
        scope: 'auth',
        service: 'auth',
        severity: 'critical',
        startedAt: at(0),
        detectedAt: at(0.5),
      }),
      event('inc_1', 'incident.alert_attached', { alert: alert('x1', 'fx', 0) }),
      event('inc_2', 'incident.opened', {
        scope: 'db',
        service: 'db',
        severity: 'warning',
        startedAt: at(1),
        detectedAt: at(1.5),
      }),
      event('inc_2', 'incident.alert_attached', {
        alert: { ...alert('y1', 'fy', 1), service: 'db', alertname: 'DbSaturated' },
      }),
      // The same alert firing again: a second occurrence of the same fingerprint.
      event('inc_1', 'incident.alert_attached', { alert: alert('x2', 'fx', 20) }),
      event('inc_1', 'incident.alert_resolved', {
        alertId: 'x1',
        fingerprint: 'fx',
        endsAt: at(20),
        receivedAt: at(20.5),
        reason: 'replaced',
      }),
      event('inc_1', 'incident.resolved', { resolvedAt: at(40) }),
      // y1 presumed ended (left its group), then listed as firing again: attached anew, firing.
      event('inc_2', 'incident.alert_resolved', {
        alertId: 'y1',
        fingerprint: 'fy',
        endsAt: at(5),
        receivedAt: at(5),
        reason: 'not_in_group',
      }),
      event('inc_2', 'incident.alert_attached', {
        alert: { ...alert('y1', 'fy', 1), service: 'db', alertname: 'DbSaturated' },
      }),
    ];
    const alerts = incidentAlerts(events);
    expect([...alerts.keys()]).toEqual(['inc_1', 'inc_2']);
    expect(alerts.get('inc_1')).toEqual([
      {
        alertId: 'x1',
        fingerprint: 'fx',
        alertname: 'HighErrorRate',
        service: 'auth',
        startsAt: at(0),
        endsAt: at(20),
        endReason: 'replaced',
      },
      {
        alertId: 'x2',
        fingerprint: 'fx',
        alertname: 'HighErrorRate',
        service: 'auth',
        startsAt: at(20),
        endsAt: null,
        endReason: null,
      },
    ]);
    expect(alerts.get('inc_2')).toEqual([
      {
        alertId: 'y1',
        fingerprint: 'fy',
        alertname: 'DbSaturated',
        service: 'db',
        startsAt: at(1),
        endsAt: null,
        endReason: null,
      },
    ]);
  });
});
