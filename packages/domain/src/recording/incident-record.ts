import type { IncidentEvent } from '../correlation/incident-event.js';
import { summariseIncidents, type IncidentSummary } from '../correlation/incident-summary.js';
import { incidentDurations, incidentMoments, type IncidentDurations, type IncidentMoments } from './durations.js';
import type { HumanEntry, TimelineEntry } from './entries.js';
import { incidentImpact, type IncidentImpact } from './impact.js';
import { impactStart, type ImpactStart } from './impact-start.js';
import { buildTimeline } from './timeline.js';

/**
 * Where an incident stands once people's entries count: `resolving` while every alert has ended
 * and the quiet period runs, `resolved` by every alert resolving or by a person, `closed` when a
 * person closed it (the follow-up is done). Built from the events' IncidentSummaryStatus and the
 * entries by incidentStatus().
 */
export const INCIDENT_STATUSES = ['open', 'resolving', 'resolved', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Everything the recorder knows about one incident: what the API, reports and postmortems read. */
export interface IncidentRecord {
  readonly summary: IncidentSummary;
  readonly status: IncidentStatus;
  readonly moments: IncidentMoments;
  /** Where moments.startedAt came from. */
  readonly impactStart: ImpactStart;
  readonly durations: IncidentDurations;
  readonly impact: IncidentImpact;
  readonly timeline: readonly TimelineEntry[];
}

export function incidentStatus(summary: IncidentSummary, moments: IncidentMoments): IncidentStatus {
  if (moments.closedAt !== null) return 'closed';
  if (moments.resolvedAt !== null) return 'resolved';
  return summary.status === 'resolving' ? 'resolving' : 'open';
}

/**
 * The incident from its events (in sequence order, starting with `incident.opened`) and people's
 * entries. `now` only matters while it is open: the duration so far and the impact window end.
 */
export function recordIncident(
  events: readonly IncidentEvent[],
  entries: readonly HumanEntry[],
  now: Date,
): IncidentRecord {
  const [summary] = summariseIncidents(events);
  if (!summary) throw new Error('an incident record needs at least its incident.opened event');
  const moments = incidentMoments(summary, events, entries);
  return {
    summary,
    status: incidentStatus(summary, moments),
    moments,
    impactStart: impactStart(summary, events, entries),
    durations: incidentDurations(moments, now),
    impact: incidentImpact(events, { from: moments.startedAt, to: moments.resolvedAt ?? now }),
    timeline: buildTimeline(events, entries),
  };
}
