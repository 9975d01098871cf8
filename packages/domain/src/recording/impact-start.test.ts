import { describe, expect, it } from 'vitest';
import { Correlator } from '../correlation/correlator.js';
import { stateFromSnapshot } from '../correlation/correlator-state.js';
import type { IncidentEvent } from '../correlation/incident-event.js';
import { firing, lbOutageSettings, minute as at, resolved, type AlertSpec } from '../testing/index.js';
import type { HumanEntry } from './entries.js';
import { incidentImpact } from './impact.js';
import { recordIncident } from './incident-record.js';
import { renderPostmortem } from './postmortem.js';

// Prometheus stamps startsAt when a rule fires, after its `for:`: the impact began when the
// condition first held. Each test is a timeline: minute of receipt on the right of each report.

const settings = { ...lbOutageSettings(), quietPeriodMs: 0 };
const errors: AlertSpec = {
  labels: { alertname: 'HighErrorRate', service: 'auth', severity: 'critical' },
  annotations: { value: '0.3' },
  starts: 5,
};
const latency: AlertSpec = { labels: { alertname: 'HighLatencyP99', service: 'auth', severity: 'warning' }, starts: 8 };

function correlate(...steps: ((c: Correlator) => IncidentEvent[])[]): IncidentEvent[] {
  const correlator = new Correlator(settings);
  return steps.flatMap((step) => step(correlator));
}

const impactStartedEntry = (events: readonly IncidentEvent[], entries: HumanEntry[] = []) =>
  recordIncident(events, entries, at(60)).timeline.find(
    (entry) => entry.kind === 'impact_started' && entry.source === 'alert',
  );

function personStarted(minute: number, recordedAt: number): HumanEntry {
  return {
    id: `impact-${minute}`,
    incidentId: 'x',
    kind: 'impact_started',
    at: at(minute),
    recordedAt: at(recordedAt),
    author: 'oncall@example.com',
    text: 'support tickets from 02:50',
    to: null,
  };
}

describe('impact start from when the condition first held', () => {
  it("starts at the pending alert's activeAt, so time to detect counts the rule's for:", () => {
    const events = correlate(
      // HighErrorRate has for: 5m; Prometheus listed it pending from minute 0, fired at 5.
      (c) => c.applyAlert(firing({ ...errors, condition: { since: 0, source: 'prometheus_active' } }, 5.5)),
      (c) => c.applyAlert(firing(latency, 8.5)),
    );
    const record = recordIncident(events, [], at(60));
    expect(record.moments.startedAt).toEqual(at(0));
    expect(record.impactStart).toMatchObject({ at: at(0), source: 'prometheus_active' });
    expect(record.impactStart.alert?.alertname).toBe('HighErrorRate');
    expect(record.durations.timeToDetect).toBe(5.5 * 60);
    // The summary (what the correlator reasons with) still starts when the first alert fired.
    expect(record.summary.startedAt).toEqual(at(5));
  });

  it('says in the timeline when the impact began and how Sitrep knows', () => {
    const cases = [
      ['prometheus_active', 'when Prometheus listed the alert pending'],
      ['prometheus_rule', "its rule's for: in Prometheus"],
      ['correlation_file', "its for: from the correlation file's alert_for"],
    ] as const;
    for (const [source, how] of cases) {
      const events = correlate((c) => c.applyAlert(firing({ ...errors, condition: { since: 0, source } }, 5.5)));
      expect(impactStartedEntry(events)).toMatchObject({
        at: at(0),
        source: 'alert',
        text: `Impact began: HighErrorRate's condition on auth held, 5m 00s before the alert fired (${how})`,
      });
    }
  });

  it('falls back to the earliest startsAt when no condition is known (older events too)', () => {
    const events = correlate(
      (c) => c.applyAlert(firing(errors, 5.5)),
      (c) => c.applyAlert(firing(latency, 8.5)),
    );
    const record = recordIncident(events, [], at(60));
    expect(record.moments.startedAt).toEqual(at(5));
    expect(record.impactStart).toMatchObject({ at: at(5), source: 'alert_startsAt' });
    expect(impactStartedEntry(events)?.text).toBe('Impact began: HighErrorRate on auth started');
    expect(renderPostmortem(record)).toContain('**Start of impact:** 2026-11-22 03:05:00 UTC+00:00\n');
  });

  it('takes the alert whose condition began first, even when another fired first', () => {
    const events = correlate(
      (c) => c.applyAlert(firing(errors, 5.5)),
      // Fired later, but its for: is 10 minutes: its condition held from minute -2.
      (c) => c.applyAlert(firing({ ...latency, condition: { since: -2, source: 'correlation_file' } }, 8.5)),
    );
    const record = recordIncident(events, [], at(60));
    expect(record.impactStart).toMatchObject({ at: at(-2), source: 'correlation_file' });
    expect(impactStartedEntry(events)?.text).toMatch(/^Impact began: HighLatencyP99's condition on auth held, 10m 00s/);
    expect(renderPostmortem(record)).toContain(
      "**Start of impact:** 2026-11-22 02:58:00 UTC+00:00 (when HighLatencyP99's condition began: its start less its alert_for in the correlation file)",
    );
  });

  it('lets a person override it, the latest recorded impact_started winning', () => {
    const events = correlate((c) =>
      c.applyAlert(firing({ ...errors, condition: { since: 0, source: 'prometheus_active' } }, 5.5)),
    );
    const entries = [personStarted(-10, 20), personStarted(2, 30)];
    const record = recordIncident(events, entries, at(60));
    expect(record.moments.startedAt).toEqual(at(2));
    expect(record.impactStart).toMatchObject({ at: at(2), source: 'person' });
    expect(record.durations.timeToDetect).toBe(3.5 * 60);
    expect(renderPostmortem(record)).toContain(
      '**Start of impact:** 2026-11-22 03:02:00 UTC+00:00 (recorded by a person)',
    );
  });

  it('ignores a condition after startsAt (a later occurrence; ingest never writes one)', () => {
    const events = correlate((c) =>
      c.applyAlert(firing({ ...errors, condition: { since: 7, source: 'prometheus_active' } }, 5.5)),
    );
    expect(recordIncident(events, [], at(60)).impactStart).toMatchObject({ at: at(5), source: 'alert_startsAt' });
  });

  it("counts an alert's value from when its condition held, not only from when it fired", () => {
    const events = correlate(
      (c) => c.applyAlert(firing({ ...errors, condition: { since: 0, source: 'prometheus_rule' } }, 5.5)),
      (c) => c.applyAlert(resolved({ ...errors, condition: { since: 0, source: 'prometheus_rule' } }, 20, 20.5)),
    );
    const impact = incidentImpact(events, { from: at(0), to: at(20) });
    expect(impact.affected?.share).toBeCloseTo(0.3);
  });
});

describe('the condition through the correlator', () => {
  it('carries it on incident.alert_attached, and keeps it as a Date across a snapshot', () => {
    const correlator = new Correlator(settings);
    const events = correlator.applyAlert(
      firing({ ...errors, condition: { since: 0, source: 'prometheus_active' } }, 5.5),
    );
    const attached = events.find((event) => event.type === 'incident.alert_attached');
    expect(attached?.type === 'incident.alert_attached' && attached.data.alert.condition).toEqual({
      since: at(0),
      source: 'prometheus_active',
    });
    const stored = JSON.parse(JSON.stringify(correlator.snapshot())) as ReturnType<Correlator['snapshot']>;
    const [incident] = stateFromSnapshot(stored).incidents.values();
    const [slot] = incident?.alerts.values() ?? [];
    expect(slot?.alert.condition).toEqual({ since: at(0), source: 'prometheus_active' });
    expect(slot?.alert.condition?.since).toBeInstanceOf(Date);
  });
});
