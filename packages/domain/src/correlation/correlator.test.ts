import { describe, expect, it } from 'vitest';
import { Correlator } from './correlator.js';
import { summariseIncidents } from './incident-summary.js';
import type { IncidentEvent } from './incident-event.js';
import { DEFAULT_CORRELATION_SETTINGS, type CorrelationSettings } from './settings.js';
import {
  applyOutageInput,
  change,
  firing,
  LB_OUTAGE,
  lbOutageInputs,
  lbOutageSettings,
  minute as at,
  resolved,
  type AlertSpec,
} from '../testing/index.js';

const MINUTE = 60_000;
const { imbalance: lbImbalance, errors: authErrors, latency: authLatency } = LB_OUTAGE.alerts;
/** The outage's dependency map: auth-lb -> auth -> users-db. */
const withLbMap: CorrelationSettings = lbOutageSettings();

/** Runs a stream through a fresh correlator; returns every event, in order. */
function run(settings: CorrelationSettings, steps: ((c: Correlator) => IncidentEvent[])[]): IncidentEvent[] {
  const correlator = new Correlator(settings);
  return steps.flatMap((step) => step(correlator));
}

const ofType = <T extends IncidentEvent['type']>(events: IncidentEvent[], type: T) =>
  events.filter((event): event is Extract<IncidentEvent, { type: T }> => event.type === type);

const incidentsIn = (events: IncidentEvent[]) => new Set(events.map((event) => event.incidentId));

/** The reference outage as it is received, then the clock around the end of its quiet period. */
function referenceOutage(): ((c: Correlator) => IncidentEvent[])[] {
  return [
    ...lbOutageInputs().map((input) => (c: Correlator) => applyOutageInput(c, input)),
    (c) => c.tick(at(37.9)),
    (c) => c.tick(at(38)),
  ];
}

describe('Correlator: the load-balancer outage', () => {
  it('makes one incident of the imbalance, the errors and the latency, with the change attached', () => {
    const events = run(withLbMap, referenceOutage());
    expect(incidentsIn(events).size).toBe(1);
    const attached = ofType(events, 'incident.alert_attached').map((event) => [
      event.data.alert.signal,
      event.data.alert.service,
    ]);
    expect(attached).toEqual([
      ['load_imbalance', 'auth-lb'],
      ['error_rate', 'auth'],
      ['latency', 'auth'],
    ]);
    expect(ofType(events, 'incident.change_attached').map((event) => event.data.change.summary)).toEqual([
      'lb weights 1:1:1 -> 5:1:1',
    ]);
    const opened = ofType(events, 'incident.opened')[0]!;
    expect(opened.data).toMatchObject({ service: 'auth-lb', startedAt: at(0), detectedAt: at(1), severity: 'warning' });
    expect(ofType(events, 'incident.severity_changed').map((event) => event.data)).toEqual([
      { from: 'warning', to: 'critical' },
    ]);
    expect(ofType(events, 'incident.alert_attached')[1]?.data.alert.value).toBeCloseTo(0.31);
  });

  it('ranks the change, then the load imbalance, before the symptoms, and says why', () => {
    const events = run(withLbMap, referenceOutage());
    const hints = ofType(events, 'incident.cause_ranked').at(-1)!.data.hints;
    expect(hints.map((hint) => [hint.signal, hint.service])).toEqual([
      ['change', 'auth-lb'],
      ['load_imbalance', 'auth-lb'],
      ['error_rate', 'auth'],
      ['latency', 'auth'],
    ]);
    expect(hints[0]?.reason).toBe(
      "config change 'lb weights 1:1:1 -> 5:1:1' on auth-lb was 7 min before the first error rate alert on auth; auth depends on auth-lb",
    );
    expect(hints[1]?.reason).toBe(
      'load imbalance on auth-lb began 3 min before the first error rate alert on auth; auth depends on auth-lb',
    );
    expect(hints[2]?.reason).toMatch(/symptom/);
  });

  it('resolves after the quiet period, at the latest alert end, and not before', () => {
    const events = run(withLbMap, referenceOutage());
    const resolvedEvents = ofType(events, 'incident.resolved');
    expect(resolvedEvents).toHaveLength(1);
    // Last resolution received at 33, quiet period 5 min: resolved at 38, not at the 37.9 tick.
    expect(resolvedEvents[0]?.occurredAt).toEqual(at(38));
    expect(resolvedEvents[0]?.data.resolvedAt).toEqual(at(32));
    expect(events.at(-1)?.type).toBe('incident.resolved');
  });

  it('numbers events 1..n per incident and derives their ids deterministically', () => {
    const first = run(withLbMap, referenceOutage());
    const second = run(withLbMap, referenceOutage());
    expect(first.map((event) => event.sequence)).toEqual(first.map((_, index) => index + 1));
    expect(second).toEqual(first);
    expect(new Set(first.map((event) => event.id)).size).toBe(first.length);
  });
});

describe('Correlator: grouping', () => {
  const payments: AlertSpec = {
    labels: { alertname: 'HighErrorRate', service: 'payments', severity: 'critical' },
    starts: 2,
  };

  it('keeps unrelated services apart', () => {
    const events = run(withLbMap, [
      (c) => c.applyAlert(firing(authErrors, 3.5)),
      (c) => c.applyAlert(firing(payments, 4)),
    ]);
    expect(ofType(events, 'incident.opened').map((event) => event.data.service)).toEqual(['auth', 'payments']);
  });

  it('joins dependency-linked services only when the map links them', () => {
    const steps = [
      (c: Correlator) => c.applyAlert(firing(lbImbalance, 1)),
      (c: Correlator) => c.applyAlert(firing(authErrors, 3.5)),
    ];
    expect(incidentsIn(run(withLbMap, steps)).size).toBe(1);
    expect(incidentsIn(run(DEFAULT_CORRELATION_SETTINGS, steps)).size).toBe(2);
  });

  it('links through the map transitively (balancer, service, database)', () => {
    const db: AlertSpec = { labels: { alertname: 'PostgresConnectionsExhausted', service: 'users-db' }, starts: 2 };
    const events = run(withLbMap, [(c) => c.applyAlert(firing(lbImbalance, 1)), (c) => c.applyAlert(firing(db, 2.5))]);
    expect(incidentsIn(events).size).toBe(1);
    expect(ofType(events, 'incident.alert_attached')[1]?.data.alert.signal).toBe('saturation');
  });

  it('never joins alerts from different clusters', () => {
    const eu: AlertSpec = { labels: { ...authErrors.labels, cluster: 'eu-1' }, starts: 3 };
    const us: AlertSpec = { labels: { ...authErrors.labels, cluster: 'us-1' }, starts: 3 };
    expect(
      incidentsIn(run(withLbMap, [(c) => c.applyAlert(firing(eu, 3)), (c) => c.applyAlert(firing(us, 3))])).size,
    ).toBe(2);
  });

  it('ignores duplicates: repeats, HA copies and late firing copies of a resolved alert', () => {
    const correlator = new Correlator(withLbMap);
    expect(correlator.applyAlert(firing(authErrors, 3.5)).length).toBeGreaterThan(0);
    expect(correlator.applyAlert(firing(authErrors, 3.6))).toEqual([]);
    expect(correlator.applyAlert(firing(authErrors, 8.5))).toEqual([]);
    expect(correlator.applyAlert(resolved(authErrors, 10, 10.5)).map((event) => event.type)).toEqual([
      'incident.alert_resolved',
      'incident.resolving',
    ]);
    expect(correlator.applyAlert(resolved(authErrors, 10, 10.6))).toEqual([]);
    expect(correlator.applyAlert(firing(authErrors, 10.7))).toEqual([]);
  });

  it('applies a resolved report that overtook its firing report as fired and resolved; the firing copy is a repeat', () => {
    const events = run({ ...withLbMap, quietPeriodMs: 0 }, [
      (c) => c.applyAlert(resolved(authErrors, 9, 10)),
      (c) => c.applyAlert(firing(authErrors, 10.2)),
    ]);
    expect(events.map((event) => event.type)).toEqual([
      'incident.opened',
      'incident.alert_attached',
      'incident.cause_ranked',
      'incident.alert_resolved',
      'incident.resolving',
      'incident.resolved',
    ]);
    expect(ofType(events, 'incident.alert_resolved')[0]?.data).toMatchObject({ endsAt: at(9), reason: 'resolved' });
  });
});

describe('Correlator: lifecycle', () => {
  it('lets a related alert during the quiet period join the same incident', () => {
    const events = run(withLbMap, [
      (c) => c.applyAlert(firing(authErrors, 3.5)),
      (c) => c.applyAlert(resolved(authErrors, 10, 10.5)),
      (c) => c.applyAlert(firing(authLatency, 12)),
      (c) => c.tick(at(30)),
    ]);
    expect(incidentsIn(events).size).toBe(1);
    expect(ofType(events, 'incident.resolved')).toHaveLength(0);
  });

  it('reopens the same incident when an alert flaps within the reopen window, and opens a new one after it', () => {
    const again = (starts: number): AlertSpec => ({ ...authErrors, starts });
    const events = run(withLbMap, [
      (c) => c.applyAlert(firing(authErrors, 3.5)),
      (c) => c.applyAlert(resolved(authErrors, 10, 10.5)),
      (c) => c.tick(at(16)),
      (c) => c.applyAlert(firing(again(20), 20.5)),
      (c) => c.applyAlert(resolved(again(20), 22, 22.5)),
      (c) => c.tick(at(28)),
      (c) => c.applyAlert(firing(again(90), 90.5)),
    ]);
    const ids = [...incidentsIn(events)];
    expect(ids).toHaveLength(2);
    expect(ofType(events, 'incident.reopened').map((event) => event.incidentId)).toEqual([ids[0]]);
    expect(ofType(events, 'incident.resolved').map((event) => event.incidentId)).toEqual([ids[0], ids[0]]);
    expect(ofType(events, 'incident.opened').map((event) => event.incidentId)).toEqual(ids);
  });

  it('freezes an incident older than the maximum age: later trouble is a new incident', () => {
    const settings = { ...withLbMap, maxIncidentAgeMs: 60 * MINUTE };
    const later: AlertSpec = { ...authLatency, starts: 70 };
    const events = run(settings, [
      (c) => c.applyAlert(firing(authErrors, 3.5)),
      (c) => c.applyAlert(firing(later, 70.5)),
    ]);
    expect(incidentsIn(events).size).toBe(2);
  });

  it('reports when the next quiet period ends, for the service timer', () => {
    const correlator = new Correlator(withLbMap);
    correlator.applyAlert(firing(authErrors, 3.5));
    // While it fires, the only deadline is when it would go stale without a repeat.
    expect(correlator.nextDeadline()).toEqual(at(3.5 + 12 * 60));
    correlator.applyAlert(resolved(authErrors, 10, 10.5));
    expect(correlator.nextDeadline()).toEqual(at(15.5));
    expect(correlator.openIncidentCount()).toBe(1);
    correlator.tick(at(15.5));
    expect(correlator.openIncidentCount()).toBe(0);
  });
});

describe('Correlator: changes', () => {
  it('attaches changes within the look-back, not older ones', () => {
    const events = run(withLbMap, [
      (c) => c.applyChange(change('auth', 'deploy', 'auth v41', -40)),
      (c) => c.applyChange(change('auth', 'deploy', 'auth v42', -20)),
      (c) => c.applyAlert(firing(authErrors, 3.5)),
    ]);
    expect(ofType(events, 'incident.change_attached').map((event) => event.data.change.summary)).toEqual(['auth v42']);
  });

  it('attaches a change reported while the incident is open and re-ranks', () => {
    const events = run(withLbMap, [
      (c) => c.applyAlert(firing(authErrors, 3.5)),
      (c) => c.applyChange(change('auth-lb', 'config', 'lb weights', 1, 5)),
    ]);
    expect(ofType(events, 'incident.change_attached')).toHaveLength(1);
    const hints = ofType(events, 'incident.cause_ranked').at(-1)!.data.hints;
    expect(hints[0]).toMatchObject({ signal: 'change', service: 'auth-lb' });
  });

  it('ignores changes on unrelated services and repeated change reports', () => {
    const events = run(withLbMap, [
      (c) => c.applyAlert(firing(authErrors, 3.5)),
      (c) => c.applyChange(change('payments', 'deploy', 'payments v9', 2, 5)),
      (c) => c.applyChange(change('auth', 'deploy', 'auth v42', 2, 5)),
      (c) => c.applyChange(change('auth', 'deploy', 'auth v42', 2, 6)),
    ]);
    expect(ofType(events, 'incident.change_attached').map((event) => event.data.change.summary)).toEqual(['auth v42']);
  });
});

describe('Correlator: snapshots', () => {
  it('continues after a restore exactly as if it had never stopped, at every cut point', () => {
    const steps = referenceOutage();
    const straight = run(withLbMap, steps);
    for (let cut = 0; cut <= steps.length; cut += 1) {
      const before = new Correlator(withLbMap);
      const head = steps.slice(0, cut).flatMap((step) => step(before));
      // Through JSON, as a snapshot stored on disk or on Kafka would be.
      const stored = JSON.parse(JSON.stringify(before.snapshot())) as ReturnType<Correlator['snapshot']>;
      const after = new Correlator(withLbMap, stored);
      const tail = steps.slice(cut).flatMap((step) => step(after));
      expect([...head, ...tail]).toEqual(straight);
    }
  });

  it('restores a snapshot written before quietPeriodEndedAt and alert scopes had their names', () => {
    const settings = { ...withLbMap, quietPeriodMs: 0, reopenWindowMs: 30 * MINUTE };
    const steps: ((c: Correlator) => IncidentEvent[])[] = [
      (c) => c.applyAlert(firing(authErrors, 3.5)),
      (c) => c.applyAlert(resolved(authErrors, 10, 10.5)),
      // A resolution ahead of its firing report: an orphan, kept in the snapshot.
      (c) => c.applyAlert(resolved(authLatency, 12, 12.5)),
      // Fires again within the reopen window, counted from when the quiet period ended.
      (c) => c.applyAlert(firing({ ...authErrors, starts: 20 }, 20.5)),
      (c) => c.applyAlert(firing(authLatency, 13)),
    ];
    const straight = run(settings, steps);
    const before = new Correlator(settings);
    const head = steps.slice(0, 3).flatMap((step) => step(before));
    const legacy = JSON.parse(
      JSON.stringify(before.snapshot())
        .replaceAll('"quietPeriodEndedAt":', '"closedAt":')
        .replace(/"scope":\{"label":"service","service":"auth","qualifiers":\{\}\},/g, ''),
    ) as ReturnType<Correlator['snapshot']>;
    expect(JSON.stringify(legacy)).toContain('"closedAt":"');
    expect(JSON.stringify(legacy)).not.toContain('"scope":{');
    const after = new Correlator(settings, legacy);
    expect([...head, ...steps.slice(3).flatMap((step) => step(after))]).toEqual(straight);
    expect(ofType(straight, 'incident.reopened')).toHaveLength(1);
  });

  it('keeps label values that look like timestamps as strings', () => {
    const odd: AlertSpec = {
      labels: { alertname: 'HighErrorRate', service: 'auth', deployed: '2026-11-22T03:00:00.000Z' },
      starts: 1,
    };
    const correlator = new Correlator(withLbMap);
    correlator.applyAlert(firing(odd, 1));
    const restored = new Correlator(
      withLbMap,
      JSON.parse(JSON.stringify(correlator.snapshot())) as ReturnType<Correlator['snapshot']>,
    );
    const events = restored.applyAlert(resolved(odd, 5, 5.5));
    expect(events[0]?.type).toBe('incident.alert_resolved');
    expect(JSON.stringify(restored.snapshot())).toContain('"deployed":"2026-11-22T03:00:00.000Z"');
  });
});

describe('incident summaries from events alone', () => {
  it('rebuilds the reference incident: services, signals, severity, times, changes and cause', () => {
    const [summary, ...others] = summariseIncidents(run(withLbMap, referenceOutage()));
    expect(others).toEqual([]);
    expect(summary).toMatchObject({
      scope: 'service=auth-lb',
      services: ['auth-lb', 'auth'],
      signals: ['load_imbalance', 'error_rate', 'latency'],
      severity: 'critical',
      status: 'resolved',
      startedAt: at(0),
      detectedAt: at(1),
      resolvedAt: at(32),
      alertCount: 3,
    });
    expect(summary?.changes.map((attached) => attached.kind)).toEqual(['config']);
    expect(summary?.probableCause[1]).toMatchObject({ signal: 'load_imbalance', service: 'auth-lb', rank: 2 });
  });

  it('refuses a stream that does not start with incident.opened', () => {
    const events = run(withLbMap, referenceOutage());
    expect(() => summariseIncidents(events.slice(1))).toThrow(/must start with incident.opened/);
  });
});

describe('Correlator: occurrences replaced without a resolution', () => {
  it('ends the previous occurrence when an alert fires again inside its open incident, so it still resolves', () => {
    const again: AlertSpec = { ...authErrors, starts: 20 };
    const events = run({ ...withLbMap, quietPeriodMs: 0 }, [
      (c) => c.applyAlert(firing(authErrors, 3.5)),
      (c) => c.applyAlert(firing(again, 20.5)),
      (c) => c.applyAlert(resolved(again, 25, 25.5)),
    ]);
    expect(events.map((event) => event.type)).toEqual([
      'incident.opened',
      'incident.alert_attached',
      'incident.cause_ranked',
      'incident.alert_resolved',
      'incident.alert_attached',
      'incident.alert_resolved',
      'incident.resolving',
      'incident.resolved',
    ]);
    expect(ofType(events, 'incident.alert_resolved')[0]?.data).toMatchObject({ endsAt: at(20), reason: 'replaced' });
  });

  it('ends the old occurrence in a frozen incident and lets the frozen incident resolve', () => {
    const settings = { ...withLbMap, maxIncidentAgeMs: 60 * MINUTE, quietPeriodMs: 0 };
    const again: AlertSpec = { ...authErrors, starts: 70 };
    const events = run(settings, [
      (c) => c.applyAlert(firing(authErrors, 3.5)),
      (c) => c.applyAlert(firing(again, 70.5)),
      (c) => c.applyAlert(resolved(again, 80, 80.5)),
    ]);
    const [frozen, fresh] = [...incidentsIn(events)];
    expect(ofType(events, 'incident.resolved').map((event) => event.incidentId)).toEqual([frozen, fresh]);
  });

  it('counts an incident’s age from detection: an alert that began days ago does not freeze it', () => {
    const chronic: AlertSpec = { ...authLatency, starts: -3 * 24 * 60 };
    const events = run(withLbMap, [
      (c) => c.applyAlert(firing(chronic, 1)),
      (c) => c.applyAlert(firing(authErrors, 3.5)),
    ]);
    expect(incidentsIn(events).size).toBe(1);
  });

  it('does not end quiet periods because a change was reported: changes do not move stream time', () => {
    const correlator = new Correlator(withLbMap);
    correlator.applyAlert(firing(authErrors, 3.5));
    correlator.applyAlert(resolved(authErrors, 10, 10.5));
    const events = correlator.applyChange(change('payments', 'deploy', 'payments v9', 40, 40));
    expect(events).toEqual([]);
    expect(correlator.openIncidentCount()).toBe(1);
  });
});
