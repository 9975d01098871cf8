import { describe, expect, it } from 'vitest';
import type { Alert, AlertListing } from '../alert.js';
import { firing, minute as at, reportedAlert, resolved, type AlertSpec } from '../testing/alert-builder.js';
import { Correlator } from './correlator.js';
import { DependencyMap } from './dependency-map.js';
import type { IncidentEvent } from './incident-event.js';
import { summariseIncidents } from './incident-summary.js';
import { DEFAULT_CORRELATION_SETTINGS, type CorrelationSettings } from './settings.js';

// Alertmanager's real delivery patterns (notify/ and dispatch/ in prometheus/alertmanager), each
// as a timeline: minute of receipt on the left, what Sitrep must conclude on the right.

const MINUTE = 60_000;
const settings: CorrelationSettings = {
  ...DEFAULT_CORRELATION_SETTINGS,
  dependencies: new DependencyMap([['auth-lb', 'auth']]),
};
const errors: AlertSpec = { labels: { alertname: 'HighErrorRate', service: 'auth', severity: 'critical' }, starts: 0 };
const latency: AlertSpec = { labels: { alertname: 'HighLatencyP99', service: 'auth', severity: 'warning' }, starts: 1 };

const ofType = <T extends IncidentEvent['type']>(events: readonly IncidentEvent[], type: T) =>
  events.filter((event): event is Extract<IncidentEvent, { type: T }> => event.type === type);

/** Every alert of one complete notification of the `HighErrorRate` group, at minute `received`. */
function notification(received: number, alerts: { spec: AlertSpec; ends?: number }[], group = 'auth'): Alert[] {
  const listing: AlertListing = { group: `am\u0000sitrep\u0000{}:{service="${group}"}`, alertsWithKey: alerts.length };
  return alerts.map(({ spec, ends }) =>
    reportedAlert(spec, { received, ...(ends === undefined ? {} : { ends }), listing }),
  );
}

function run(steps: ((c: Correlator) => IncidentEvent[])[], options: Partial<CorrelationSettings> = {}) {
  const correlator = new Correlator({ ...settings, ...options });
  const events = steps.flatMap((step) => step(correlator));
  return { correlator, events, summaries: summariseIncidents(events) };
}

const deliver = (alerts: Alert[]) => (c: Correlator) => alerts.flatMap((alert) => c.applyAlert(alert));

describe('a replaced occurrence whose resolution only is sent', () => {
  it('ends the open occurrence at the newer startsAt and applies the newer one as fired and resolved', () => {
    // 0: errors fire; 1: notified. 10: they resolve, 12: fire again, 14: resolve again, all between
    // two flushes: Alertmanager replaced the first occurrence and sends only the second, resolved.
    const again: AlertSpec = { ...errors, starts: 12 };
    const { events, summaries } = run([
      (c) => c.applyAlert(firing(errors, 1)),
      (c) => c.applyAlert(resolved(again, 14, 16)),
      (c) => c.tick(at(30)),
    ]);
    expect(summaries).toHaveLength(1);
    const ended = ofType(events, 'incident.alert_resolved').map((event) => [event.data.endsAt, event.data.reason]);
    expect(ended).toEqual([
      [at(12), 'replaced'],
      [at(14), 'resolved'],
    ]);
    expect(ofType(events, 'incident.alert_attached')).toHaveLength(2);
    // The quiet period counts from the receipt that left nothing firing: 16 + 5.
    expect(ofType(events, 'incident.resolving')[0]?.data.resolvesAt).toEqual(at(21));
    expect(summaries[0]).toMatchObject({ status: 'resolved', resolvedAt: at(14) });
  });

  it('ignores the late resolution of an occurrence older than the one the incident holds', () => {
    const again: AlertSpec = { ...errors, starts: 12 };
    const { events } = run([
      (c) => c.applyAlert(firing(errors, 1)),
      (c) => c.applyAlert(firing(again, 13)),
      (c) => c.applyAlert(resolved(errors, 10, 14)),
    ]);
    expect(ofType(events, 'incident.alert_resolved').map((event) => event.data.reason)).toEqual(['replaced']);
    expect(ofType(events, 'incident.resolving')).toEqual([]);
  });

  it('opens an incident for a resolved report of an alert never seen firing, and resolves it', () => {
    const { summaries } = run([(c) => c.applyAlert(resolved(errors, 4, 5)), (c) => c.tick(at(11))]);
    expect(summaries).toMatchObject([{ status: 'resolved', startedAt: at(0), detectedAt: at(5), resolvedAt: at(4) }]);
  });
});

describe("Alertmanager's notifications as snapshots of their group", () => {
  it('ends an occurrence a later complete notification of its group no longer lists', () => {
    // 1: errors and latency listed firing; 6: only latency (errors were silenced, or resolved
    // on a receiver without send_resolved).
    const { events, summaries } = run([
      deliver(notification(1, [{ spec: errors }, { spec: latency }])),
      deliver(notification(6, [{ spec: latency }])),
    ]);
    const ended = ofType(events, 'incident.alert_resolved');
    expect(ended.map((event) => [event.data.fingerprint, event.data.endsAt, event.data.reason])).toEqual([
      [firing(errors, 1).fingerprint, at(6), 'not_in_group'],
    ]);
    expect(summaries[0]?.status).toBe('open');
  });

  it('resolves the incident once its group lists nothing firing, and says why in the event', () => {
    // 1: errors firing. 6: the group lists only latency, which fired and resolved in between.
    const { summaries, events } = run([
      deliver(notification(1, [{ spec: errors }])),
      deliver(notification(6, [{ spec: latency, ends: 5 }])),
      (c) => c.tick(at(20)),
    ]);
    expect(ofType(events, 'incident.alert_resolved').map((event) => [event.data.endsAt, event.data.reason])).toEqual([
      [at(5), 'resolved'],
      [at(6), 'not_in_group'],
    ]);
    expect(summaries).toMatchObject([{ status: 'resolved', resolvedAt: at(6) }]);
  });

  it('never ends anything on a truncated notification', () => {
    const truncated = reportedAlert(latency, { received: 6 });
    const { events } = run([
      deliver(notification(1, [{ spec: errors }, { spec: latency }])),
      (c) => c.applyAlert(truncated),
    ]);
    expect(ofType(events, 'incident.alert_resolved')).toEqual([]);
  });

  it('waits for the whole notification: an alert listed later in it is not ended', () => {
    const correlator = new Correlator(settings);
    for (const alert of notification(1, [{ spec: errors }, { spec: latency }])) correlator.applyAlert(alert);
    const [first, second] = notification(6, [{ spec: latency }, { spec: errors }]);
    expect(ofType(correlator.applyAlert(first as Alert), 'incident.alert_resolved')).toEqual([]);
    expect(ofType(correlator.applyAlert(second as Alert), 'incident.alert_resolved')).toEqual([]);
  });

  it('completes a notification whose last records never came once its grace has passed', () => {
    const correlator = new Correlator(settings);
    for (const alert of notification(1, [{ spec: errors }, { spec: latency }])) correlator.applyAlert(alert);
    // The notification at 6 said two alerts; only latency's record arrived.
    const [onlyOne] = notification(6, [
      { spec: latency },
      { spec: { ...latency, labels: { ...latency.labels, x: '1' } } },
    ]);
    correlator.applyAlert(onlyOne as Alert);
    expect(correlator.nextDeadline()).toEqual(at(7));
    const ended = ofType(correlator.tick(at(7)), 'incident.alert_resolved');
    expect(ended.map((event) => event.data.reason)).toEqual(['not_in_group']);
  });

  it('brings back an occurrence a later notification lists as firing again, in the same incident', () => {
    const { events, summaries } = run([
      deliver(notification(1, [{ spec: errors }, { spec: latency }])),
      deliver(notification(6, [{ spec: latency }])),
      // An HA peer, or a silence that expired: errors (same occurrence) are listed firing again.
      deliver(notification(8, [{ spec: errors }, { spec: latency }])),
    ]);
    expect(summaries).toHaveLength(1);
    expect(ofType(events, 'incident.alert_attached').map((event) => event.data.alert.alertname)).toEqual([
      'HighErrorRate',
      'HighLatencyP99',
      'HighErrorRate',
    ]);
    expect(summaries[0]?.status).toBe('open');
  });
});

describe('lost resolutions', () => {
  it('ends an occurrence no notification repeated for the stale window, as of when it was last seen', () => {
    const { events, summaries, correlator } = run(
      [(c) => c.applyAlert(firing(errors, 1)), (c) => c.applyAlert(firing(errors, 61))],
      { staleAfterMs: 180 * MINUTE },
    );
    expect(correlator.nextDeadline()).toEqual(at(241));
    const late = correlator.tick(at(241));
    expect(ofType(late, 'incident.alert_resolved').map((event) => event.data)).toMatchObject([
      { endsAt: at(61), reason: 'stale' },
    ]);
    expect(ofType(events, 'incident.alert_resolved')).toEqual([]);
    expect(summaries[0]?.status).toBe('open');
    const after = correlator.tick(at(300));
    expect(summariseIncidents([...events, ...late, ...after])[0]).toMatchObject({
      status: 'resolved',
      resolvedAt: at(61),
    });
  });

  it('reopens the incident, past the reopen window, when a presumed-stale occurrence is listed as firing again', () => {
    // Presumed ended at 61 (stale), resolved at 66; Alertmanager's repeat at 130 says it fires.
    const { events, summaries } = run(
      [(c) => c.applyAlert(firing(errors, 1)), (c) => c.tick(at(120)), (c) => c.applyAlert(firing(errors, 130))],
      { staleAfterMs: 60 * MINUTE },
    );
    expect(summaries).toHaveLength(1);
    expect(ofType(events, 'incident.reopened')).toHaveLength(1);
    expect(summaries[0]?.status).toBe('open');
  });

  it('does not go stale while Alertmanager keeps repeating it', () => {
    const repeats = Array.from(
      { length: 10 },
      (_, index) => (c: Correlator) => c.applyAlert(firing(errors, 1 + index * 60)),
    );
    const { events } = run(repeats, { staleAfterMs: 180 * MINUTE });
    expect(ofType(events, 'incident.alert_resolved')).toEqual([]);
  });

  it('restores stale deadlines from a snapshot', () => {
    const before = new Correlator({ ...settings, staleAfterMs: 180 * MINUTE });
    before.applyAlert(firing(errors, 1));
    const after = new Correlator(
      { ...settings, staleAfterMs: 180 * MINUTE },
      JSON.parse(JSON.stringify(before.snapshot())) as ReturnType<Correlator['snapshot']>,
    );
    expect(after.nextDeadline()).toEqual(at(181));
  });
});

describe('the resolving state', () => {
  it('is resolving with resolvesAt while the quiet period runs, and open again when an alert fires', () => {
    const { events, summaries } = run([
      (c) => c.applyAlert(firing(errors, 1)),
      (c) => c.applyAlert(resolved(errors, 9, 10)),
    ]);
    expect(summaries[0]).toMatchObject({ status: 'resolving', resolvesAt: at(15) });
    const more = run([
      (c) => c.applyAlert(firing(errors, 1)),
      (c) => c.applyAlert(resolved(errors, 9, 10)),
      (c) => c.applyAlert(firing(latency, 12)),
      (c) => c.tick(at(30)),
    ]);
    expect(more.summaries).toHaveLength(1);
    expect(more.summaries[0]).toMatchObject({ status: 'open', resolvesAt: null });
    expect(ofType(more.events, 'incident.resolved')).toEqual([]);
    expect(ofType(events, 'incident.resolving')).toHaveLength(1);
  });
});

describe('memory of group listings', () => {
  it('forgets listed occurrences once they ended, so a group that never sends again holds nothing', () => {
    const correlator = new Correlator(settings);
    for (const alert of notification(1, [{ spec: errors }, { spec: latency }])) correlator.applyAlert(alert);
    correlator.applyAlert(resolved(errors, 5, 6));
    correlator.applyAlert(resolved(latency, 5, 6));
    correlator.tick(at(30));
    const state = correlator.snapshot().state as unknown as { listings: unknown[] };
    expect(state.listings).toEqual([]);
  });
});
