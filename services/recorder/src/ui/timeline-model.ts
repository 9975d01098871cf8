import { humanDuration, type IncidentAlert, type IncidentEvent, type IncidentRecord } from '@sitrep/domain';
import type { DeadEnd, TimelineLane, TimelineMark, TimelineModel } from './timeline-svg.js';

/** The moments drawn as vertical rules, in the order people read them. */
export const MOMENT_LABELS = [
  ['startedAt', 'Impact start'],
  ['detectedAt', 'Detected'],
  ['acknowledgedAt', 'Acknowledged'],
  ['mitigatedAt', 'Mitigated'],
  ['resolvedAt', 'Resolved'],
  ['closedAt', 'Closed'],
] as const;

export function alertValue(alert: Pick<IncidentAlert, 'signal' | 'value'>): string {
  if (alert.value === null) return '';
  if (alert.signal === 'error_rate' && alert.value <= 1) return `${Number((alert.value * 100).toFixed(1))}%`;
  return `value ${Number(alert.value.toPrecision(4))}`;
}

/** One lane per alert occurrence: from its startsAt to when it ended (or still firing). */
function alertLanes(events: readonly IncidentEvent[]): TimelineLane[] {
  const lanes = new Map<string, TimelineLane>();
  for (const event of events) {
    if (event.type === 'incident.alert_attached') {
      const { alert } = event.data;
      if (lanes.has(alert.alertId)) continue;
      lanes.set(alert.alertId, {
        label: `${alert.alertname} on ${alert.service}`,
        signal: alert.signal,
        severity: alert.severity,
        value: alertValue(alert),
        start: alert.startsAt.getTime(),
        end: null,
      });
    } else if (event.type === 'incident.alert_resolved') {
      const lane = lanes.get(event.data.alertId);
      if (lane) lanes.set(event.data.alertId, { ...lane, end: event.data.endsAt.getTime() });
    }
  }
  return [...lanes.values()];
}

/**
 * A misleading path is recorded when it is given up; it began at the person's entry before it
 * (what they were doing when they took the wrong turn), else at detection. The time between is
 * what it cost.
 */
function deadEnds(record: IncidentRecord): DeadEnd[] {
  const people = record.timeline.filter((entry) => entry.source === 'person');
  return people.flatMap((entry, index) => {
    if (entry.kind !== 'misleading_path') return [];
    const before = people.slice(0, index).findLast((earlier) => earlier.kind !== 'misleading_path');
    const from = (before?.at ?? record.moments.detectedAt).getTime();
    const to = entry.at.getTime();
    const cost = humanDuration(Math.max(0, (to - from) / 1000));
    return [{ from: Math.min(from, to), to, cost, text: `Dead end, cost ${cost}: ${entry.text}` }];
  });
}

export function timelineModel(record: IncidentRecord, events: readonly IncidentEvent[], now: Date): TimelineModel {
  const changes: TimelineMark[] = record.summary.changes.map((change) => ({
    at: change.at.getTime(),
    kind: 'change',
    text: `${change.kind} change on ${change.service}: ${change.summary}`,
  }));
  const people: TimelineMark[] = record.timeline
    .filter((entry) => entry.source === 'person')
    .map((entry) => ({
      at: entry.at.getTime(),
      kind: entry.kind,
      text: `${entry.kind.replace(/_/g, ' ')}${entry.author === null ? '' : ` by ${entry.author}`}: ${entry.text}`,
    }));
  const moments = MOMENT_LABELS.flatMap(([key, label]) => {
    const at = record.moments[key];
    return at === null ? [] : [{ label, at: at.getTime() }];
  });
  return {
    lanes: alertLanes(events),
    changes,
    people,
    deadEnds: deadEnds(record),
    moments,
    now: now.getTime(),
  };
}
