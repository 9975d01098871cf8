import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Correlator } from '../correlation/correlator.js';
import type { IncidentEvent } from '../correlation/incident-event.js';
import { summariseIncidents } from '../correlation/incident-summary.js';
import { firing, LB_OUTAGE, lbOutageEvents, lbOutageSettings, minute as at, resolved } from '../testing/index.js';
import type { HumanEntry, HumanEntryKind } from './entries.js';
import { incidentDurations, incidentMoments } from './durations.js';
import { incidentImpact } from './impact.js';
import { durationStats, reliabilityReport, type ReliabilityGrouping, type ReportedIncident } from './reliability.js';
import { buildTimeline } from './timeline.js';

const settings = lbOutageSettings();
const { errors: authErrors, latency: authLatency } = LB_OUTAGE.alerts;
/** The reference outage's events; `resolve: false` watches it only until minute 10, still open. */
const outage = (resolve = true) => lbOutageEvents(resolve ? {} : { until: 10 });

let counter = 0;
function entry(kind: HumanEntryKind, minute: number, extra: Partial<HumanEntry> = {}): HumanEntry {
  counter += 1;
  return {
    id: `entry-${counter}`,
    incidentId: 'x',
    kind,
    at: at(minute),
    recordedAt: at(minute + 1),
    author: 'oncall@example.com',
    text: `${kind} at ${minute}`,
    to: null,
    ...extra,
  };
}

function moments(events: IncidentEvent[], entries: HumanEntry[]) {
  const [summary] = summariseIncidents(events);
  if (!summary) throw new Error('no incident');
  return incidentMoments(summary, events, entries);
}

describe('timeline', () => {
  it('reads like the postmortems: change, impact, detection, alerts, people, resolution, in time order', () => {
    const timeline = buildTimeline(outage(), [
      entry('acknowledged', 6),
      entry('misleading_path', 10, { text: 'suspected the users database' }),
      entry('escalated', 15, { to: 'platform lead', text: '' }),
      entry('mitigated', 25, { text: 'reverted the balancer weights' }),
    ]);
    expect(timeline.map((item) => [item.kind, item.source])).toEqual([
      ['change', 'change'],
      ['impact_started', 'alert'],
      ['alert_fired', 'alert'],
      ['detected', 'system'],
      ['cause_ranked', 'system'],
      ['alert_fired', 'alert'],
      ['severity_changed', 'system'],
      // The first error alert makes the cause's reason concrete ("7 min before the first error...").
      ['cause_ranked', 'system'],
      ['alert_fired', 'alert'],
      ['acknowledged', 'person'],
      ['misleading_path', 'person'],
      ['escalated', 'person'],
      ['mitigated', 'person'],
      ['alert_resolved', 'alert'],
      ['alert_resolved', 'alert'],
      ['alert_resolved', 'alert'],
      ['incident_resolved', 'system'],
    ]);
    const texts = timeline.map((item) => item.text);
    expect(texts).toContain('HighErrorRate fired on auth (error rate, critical, 31%)');
    expect(texts).toContain('Escalated to platform lead');
    expect(texts.find((text) => text.startsWith('Probable cause'))).toMatch(/config change 'lb weights/);
    expect(timeline.at(-1)?.at).toEqual(at(32));
  });
});

describe('moments and durations', () => {
  it('measures the outage from its alerts alone', () => {
    const m = moments(outage(), []);
    expect(m).toEqual({
      startedAt: at(0),
      detectedAt: at(1),
      acknowledgedAt: null,
      mitigatedAt: null,
      resolvedAt: at(32),
      closedAt: null,
    });
    expect(incidentDurations(m, at(100))).toEqual({
      timeToDetect: 60,
      timeToAcknowledge: null,
      timeToMitigate: null,
      timeToResolve: 32 * 60,
      duration: 32 * 60,
    });
  });

  it('takes acknowledgement, mitigation, resolution and closure from people, backdated or not', () => {
    const m = moments(outage(), [
      entry('acknowledged', 8),
      entry('acknowledged', 6, { recordedAt: at(20) }),
      entry('mitigated', 25),
      entry('resolved', 28),
      entry('closed', 60),
    ]);
    expect([m.acknowledgedAt, m.mitigatedAt, m.resolvedAt, m.closedAt]).toEqual([at(6), at(25), at(28), at(60)]);
    expect(incidentDurations(m, at(100))).toMatchObject({
      timeToAcknowledge: 5 * 60,
      timeToMitigate: 25 * 60,
      timeToResolve: 28 * 60,
    });
  });

  it('lets an impact_started entry move the start earlier (support tickets before the alert), the latest recorded winning', () => {
    const m = moments(outage(), [
      entry('impact_started', -20, { recordedAt: at(10) }),
      entry('impact_started', -10, { recordedAt: at(50) }),
    ]);
    expect(m.startedAt).toEqual(at(-10));
    expect(incidentDurations(m, at(100)).timeToDetect).toBe(11 * 60);
  });

  it('keeps an open incident open: duration runs to now, time to resolve is null', () => {
    const m = moments(outage(false), []);
    expect(m.resolvedAt).toBeNull();
    expect(incidentDurations(m, at(45))).toMatchObject({ timeToResolve: null, duration: 45 * 60 });
  });

  it('forgets a resolution recorded before the incident reopened', () => {
    const c = new Correlator({ ...settings, quietPeriodMs: 0 });
    const events = [
      ...c.applyAlert(firing(authErrors, 3.5)),
      ...c.applyAlert(resolved(authErrors, 10, 10.5)),
      ...c.applyAlert(firing({ ...authErrors, starts: 20 }, 20.5)),
    ];
    const m = moments(events, [entry('resolved', 11), entry('closed', 12)]);
    expect([m.resolvedAt, m.closedAt]).toEqual([null, null]);
  });
});

describe('impact', () => {
  it('gives peak and time-weighted mean per signal, and the share of requests failing', () => {
    const events = outage();
    const impact = incidentImpact(events, { from: at(0), to: at(32) });
    const errors = impact.signals.find((signal) => signal.signal === 'error_rate');
    // 31 % from minute 3 to minute 30 of a 32-minute incident.
    expect(errors?.peak).toBeCloseTo(0.31);
    expect(errors?.mean).toBeCloseTo((0.31 * 27) / 32);
    expect(impact.affected).toEqual({ share: errors?.mean, of: 'requests' });
    expect(impact.signals.find((signal) => signal.signal === 'load_imbalance')?.peak).toBeCloseTo(2.8);
  });

  it('counts overlapping alerts of one signal by the highest, and users when the alert says so', () => {
    const c = new Correlator(settings);
    const a = {
      labels: { alertname: 'HighErrorRate', service: 'auth', region: 'a' },
      annotations: { value: '0.2', impact_unit: 'users' },
      starts: 0,
    };
    const b = {
      labels: { alertname: 'HighErrorRate', service: 'auth', region: 'b' },
      annotations: { value: '0.5' },
      starts: 5,
    };
    const events = [
      ...c.applyAlert(firing(a, 0)),
      ...c.applyAlert(firing(b, 5)),
      ...c.applyAlert(resolved(b, 10, 10)),
      ...c.applyAlert(resolved(a, 20, 20)),
    ];
    const impact = incidentImpact(events, { from: at(0), to: at(20) });
    // 0.2 for 15 minutes, 0.5 for 5: (0.2*15 + 0.5*5) / 20.
    expect(impact.affected?.share).toBeCloseTo((0.2 * 15 + 0.5 * 5) / 20);
    expect(impact.affected?.of).toBe('users');
  });

  it('reports no affected share without error-rate ratios', () => {
    const c = new Correlator(settings);
    const events = c.applyAlert(firing(authLatency, 4.5));
    expect(incidentImpact(events, { from: at(0), to: at(10) }).affected).toBeNull();
  });
});

describe('reliability report', () => {
  it('computes mean, median and nearest-rank p90, ignoring incidents without the moment', () => {
    expect(durationStats([60, 120, 180, 240, null])).toEqual({ count: 4, mean: 150, median: 150, p90: 240 });
    expect(durationStats([null])).toEqual({ count: 0, mean: null, median: null, p90: null });
    expect(durationStats(Array.from({ length: 10 }, (_, index) => (index + 1) * 10)).p90).toBe(90);
  });

  it('groups by service, severity or not at all', () => {
    const d = (ttd: number, ttr: number | null) => ({
      timeToDetect: ttd,
      timeToAcknowledge: null,
      timeToMitigate: null,
      timeToResolve: ttr,
      duration: ttr ?? 0,
    });
    const incidents = [
      { service: 'auth', severity: 'critical' as const, durations: d(60, 600) },
      { service: 'auth', severity: 'warning' as const, durations: d(120, null) },
      { service: 'payments', severity: 'critical' as const, durations: d(30, 300) },
    ];
    expect(
      reliabilityReport(incidents, 'service').map((group) => [
        group.key,
        group.incidents,
        group.timeToDetect.mean,
        group.timeToResolve.count,
      ]),
    ).toEqual([
      ['auth', 2, 90, 1],
      ['payments', 1, 30, 1],
    ]);
    expect(reliabilityReport(incidents, 'severity').map((group) => group.key)).toEqual(['critical', 'warning']);
    expect(reliabilityReport(incidents, 'none')[0]?.timeToResolve).toEqual({
      count: 2,
      mean: 450,
      median: 450,
      p90: 600,
    });
  });
});

describe('reliabilityReport, column by column', () => {
  // The definition, plainly: group the incidents, then the stats of each phase's values.
  const plainly = (incidents: readonly ReportedIncident[], groupBy: ReliabilityGrouping) => {
    const groups = new Map<string, ReportedIncident[]>();
    for (const incident of incidents) {
      const key = groupBy === 'service' ? incident.service : groupBy === 'severity' ? incident.severity : 'all';
      groups.set(key, [...(groups.get(key) ?? []), incident]);
    }
    return [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, members]) => ({
        key,
        incidents: members.length,
        timeToDetect: durationStats(members.map((member) => member.durations.timeToDetect)),
        timeToAcknowledge: durationStats(members.map((member) => member.durations.timeToAcknowledge)),
        timeToMitigate: durationStats(members.map((member) => member.durations.timeToMitigate)),
        timeToResolve: durationStats(members.map((member) => member.durations.timeToResolve)),
      }));
  };
  const duration = fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: null, freq: 4 });
  const incident = fc.record({
    service: fc.constantFrom('auth', 'checkout', 'search', 'b', 'a'),
    severity: fc.constantFrom('critical' as const, 'warning' as const, 'info' as const),
    durations: fc.record({
      timeToDetect: fc.integer({ min: 0, max: 10_000_000 }),
      timeToAcknowledge: duration,
      timeToMitigate: duration,
      timeToResolve: duration,
      duration: fc.integer({ min: 0, max: 10_000_000 }),
    }),
  });

  it('gives what grouping and durationStats give, for every grouping', () => {
    fc.assert(
      fc.property(
        fc.array(incident, { maxLength: 60 }),
        fc.constantFrom('service' as const, 'severity' as const, 'none' as const),
        (incidents, groupBy) => {
          expect(reliabilityReport(incidents, groupBy)).toStrictEqual(plainly(incidents, groupBy));
        },
      ),
      { numRuns: 400, seed: 20261202 },
    );
  });
});
