import { describe, expect, it } from 'vitest';
import { recordIncident } from '@sitrep/domain';
import { lbOutageEvents, minute } from '@sitrep/testkit';
import { timelineModel } from './timeline-model.js';
import { fitWindow, renderTimelineSvg, tickStep, zoomWindow, type TimelineModel } from './timeline-svg.js';

const entry = (kind: 'note' | 'misleading_path' | 'acknowledged', at: number, text: string) => ({
  id: `${kind}-${at}`,
  incidentId: 'x',
  kind,
  at: minute(at),
  recordedAt: minute(at),
  author: 'oncall@example.com',
  text,
  to: null,
});

describe('the timeline model', () => {
  const events = lbOutageEvents();
  const record = recordIncident(
    events,
    [
      entry('acknowledged', 4, ''),
      entry('note', 6, 'checking the users database'),
      entry('misleading_path', 10, 'not the database'),
    ],
    minute(40),
  );
  const model = timelineModel(record, events, minute(40));

  it('has a lane per alert with its span, the change, people and the moments', () => {
    expect(model.lanes.map((lane) => [lane.label, lane.signal])).toEqual([
      ['BackendLoadImbalance on auth-lb', 'load_imbalance'],
      ['HighErrorRate on auth', 'error_rate'],
      ['HighLatencyP99 on auth', 'latency'],
    ]);
    for (const lane of model.lanes) expect(lane.end).not.toBeNull();
    expect(model.lanes.find((lane) => lane.signal === 'error_rate')?.value).toBe('31%');
    expect(model.changes).toHaveLength(1);
    expect(model.people.map((mark) => mark.kind)).toEqual(['acknowledged', 'note', 'misleading_path']);
    expect(model.moments.map((moment) => moment.label)).toEqual([
      'Impact start',
      'Detected',
      'Acknowledged',
      'Resolved',
    ]);
  });

  it('draws a misleading path as a dead end from the entry before it, with what it cost', () => {
    expect(model.deadEnds).toEqual([
      {
        from: minute(6).getTime(),
        to: minute(10).getTime(),
        cost: '4m 00s',
        text: 'Dead end, cost 4m 00s: not the database',
      },
    ]);
  });
});

describe('the timeline drawing', () => {
  const model: TimelineModel = {
    lanes: [{ label: 'Alert <x>', signal: 'latency', severity: 'warning', value: '', start: 60_000, end: null }],
    changes: [{ at: 30_000, kind: 'change', text: 'deploy "v2" & more' }],
    people: [],
    deadEnds: [],
    moments: [{ label: 'Detected', at: 90_000 }],
    now: 600_000,
  };

  it('fits every instant, an open alert running to now', () => {
    const window = fitWindow(model);
    expect(window.from).toBeLessThan(30_000);
    expect(window.to).toBeGreaterThan(600_000);
  });

  it('escapes the text it draws and marks a still-firing alert', () => {
    const svg = renderTimelineSvg(model, fitWindow(model), (at) => String(at), 'UTC');
    expect(svg).toContain('Alert &lt;x&gt;');
    expect(svg).toContain('deploy &quot;v2&quot; &amp; more');
    expect(svg).toContain('tl-alert sig-latency tl-open');
    expect(svg).not.toContain('<x>');
  });

  it('zooms around the middle and picks ticks that fit', () => {
    const zoomed = zoomWindow({ from: 0, to: 3_600_000 }, 0.5);
    expect(zoomed).toEqual({ from: 900_000, to: 2_700_000 });
    expect(tickStep({ from: 0, to: 3_600_000 })).toBe(10 * 60_000);
    expect(tickStep({ from: 0, to: 60_000 })).toBe(15_000);
  });
});
