import { describe, expect, it } from 'vitest';
import { dispatch, labelSetString, STRESS_ROUTE, type PrometheusAlert } from './alertmanager.js';

const T0 = Date.parse('2026-11-30T10:00:00Z');
const s = (seconds: number) => T0 + seconds * 1000;
const m = (minutes: number) => s(minutes * 60);

/** An occurrence reaching Alertmanager the moment it starts and the moment it ends. */
function alert(name: string, from: number, until: number | null, extra: Record<string, string> = {}): PrometheusAlert {
  return {
    labels: { alertname: name, cluster: 'c', service: 'auth', ...extra },
    annotations: {},
    generatorURL: '',
    startsAt: from,
    endsAt: until,
    arrivesAt: from,
    resolutionArrivesAt: until,
  };
}

/** What each notification said, as [minutes after T0, "name:status" per alert]. */
function timeline(alerts: PrometheusAlert[], until = m(24 * 60)) {
  const { notifications, replaced } = dispatch(alerts, STRESS_ROUTE, until);
  return {
    sent: notifications.map((n) => [
      (n.at - T0) / 60_000,
      n.alerts.map(
        (a) =>
          `${a.alert.labels.pod ?? a.alert.labels.alertname}@${(a.alert.startsAt - T0) / 60_000}:${a.resolved ? 'resolved' : 'firing'}`,
      ),
    ]),
    replaced: replaced.map((a) => (a.startsAt - T0) / 60_000),
  };
}

describe('the Alertmanager model (dispatch and DedupStage), as timelines', () => {
  it('waits group_wait, then flushes every group_interval, sending only when the group changed', () => {
    const a = alert('Crash', m(0), m(12), { pod: 'a' });
    const b = alert('Crash', m(1), m(20), { pod: 'b' });
    expect(timeline([a, b]).sent).toEqual([
      [0.5, ['a@0:firing']], // group_wait 30 s
      [5.5, ['a@0:firing', 'b@1:firing']], // b joins: new firing alert
      // 10.5: nothing changed, nothing sent
      [15.5, ['a@0:resolved', 'b@1:firing']], // a resolved at 12: the whole group, a resolved
      [20.5, ['b@1:resolved']], // a was deleted after the last flush; all resolved
    ]);
    // The group is gone: a new alert of it waits group_wait again.
    const c = alert('Crash', m(40), m(45), { pod: 'c' });
    expect(timeline([a, b, c]).sent.at(-1)).toEqual([45.5, ['c@40:resolved']]);
    expect(timeline([a, b, c]).sent.at(-2)).toEqual([40.5, ['c@40:firing']]);
  });

  it('repeats a firing group every repeat_interval, at the next flush after it', () => {
    const sent = timeline([alert('CertExpiring', m(0), m(9 * 60))]).sent.map(([at]) => at);
    // 0.5, then the first flush past 4 h after it (240.5 is not past: 245.5), then 8 h after that.
    expect(sent).toEqual([0.5, 245.5, 490.5, 540.5]);
  });

  it('replaces an occurrence that resolves and fires again between two flushes, without a word', () => {
    const first = alert('Probe', m(0), s(6 * 60 + 10));
    const second = alert('Probe', s(7 * 60 + 20), m(12));
    expect(timeline([first, second])).toEqual({
      // Resolved 6:10 and fired 7:20, both between the flushes at 5:30 and 10:30: at 10:30 the
      // group holds the new occurrence, firing, and the firing set (by labels) did not change.
      sent: [
        [0.5, ['Probe@0:firing']],
        [15.5, ['Probe@7.333333333333333:resolved']],
      ],
      replaced: [0],
    });
  });

  it('sends a resolution between flushes as usual when a flush sees it', () => {
    const first = alert('Probe', m(0), m(4));
    const second = alert('Probe', m(12), m(14));
    expect(timeline([first, second]).sent).toEqual([
      [0.5, ['Probe@0:firing']],
      [5.5, ['Probe@0:resolved']],
      [12.5, ['Probe@12:firing']],
      [17.5, ['Probe@12:resolved']],
    ]);
  });

  it('sends nothing for an alert that fired and resolved within group_wait', () => {
    expect(timeline([alert('Blip', m(0), s(20))]).sent).toEqual([]);
  });

  it('flushes at once an alert older than group_wait when its group is made', () => {
    const late = { ...alert('Late', m(0), m(3)), arrivesAt: m(1) };
    expect(timeline([late]).sent[0]).toEqual([1, ['Late@0:firing']]);
  });

  it('keys groups by route and group_by labels as Alertmanager prints them', () => {
    const { notifications } = dispatch(
      [alert('HighErrorRate', m(0), m(5), { severity: 'critical' })],
      STRESS_ROUTE,
      m(60),
    );
    expect(notifications[0]?.groupKey).toBe('{}:{alertname="HighErrorRate", cluster="c", service="auth"}');
    expect(labelSetString({ b: '2', a: 'x"y' })).toBe('{a="x\\"y", b="2"}');
  });
});
