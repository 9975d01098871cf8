import type { IncidentAlert, IncidentEvent } from '../correlation/incident-event.js';
import type { IncidentSummary } from '../correlation/incident-summary.js';
import type { HumanEntry } from './entries.js';
import { earliestAlert, impactStartOf } from './impact-start.js';

/** The moments of an incident. See README "Durations" for the definitions. */
export interface IncidentMoments {
  /**
   * Impact start: when the condition of the earliest alert first held (its startsAt when that is
   * not known), unless a person recorded `impact_started`. See impactStart for where it came from.
   */
  readonly startedAt: Date;
  /** When Sitrep received the first alert. */
  readonly detectedAt: Date;
  readonly acknowledgedAt: Date | null;
  readonly mitigatedAt: Date | null;
  /** A person's `resolved` entry, else every alert resolved; null while open. */
  readonly resolvedAt: Date | null;
  readonly closedAt: Date | null;
}

/** Seconds; null where the later moment has not happened. */
export interface IncidentDurations {
  readonly timeToDetect: number;
  readonly timeToAcknowledge: number | null;
  readonly timeToMitigate: number | null;
  readonly timeToResolve: number | null;
  /** Resolution (or `now`, while open) minus impact start. */
  readonly duration: number;
}

/** The last reopening: entries that resolved or closed the incident before it count no more. */
function lastReopenedAt(events: readonly IncidentEvent[]): Date | null {
  let at: Date | null = null;
  for (const event of events) if (event.type === 'incident.reopened') at = event.occurredAt;
  return at;
}

const earliestOf = (entries: readonly HumanEntry[]): HumanEntry | undefined =>
  entries.reduce<HumanEntry | undefined>(
    (first, entry) => (first === undefined || entry.at < first.at ? entry : first),
    undefined,
  );

export function incidentMoments(
  summary: IncidentSummary,
  events: readonly IncidentEvent[],
  entries: readonly HumanEntry[],
): IncidentMoments {
  return incidentMomentsOf(
    summary,
    { earliestAlert: earliestAlert(events), reopenedAt: lastReopenedAt(events) },
    entries,
  );
}

/** What of an incident's events its moments depend on, besides the summary. */
export interface MomentSources {
  /** earliestAlert of the events. */
  readonly earliestAlert: IncidentAlert | null;
  /** When the last incident.reopened happened; null if never. */
  readonly reopenedAt: Date | null;
}

/** incidentMoments, given what it needs of the events: for a fold kept one event at a time. */
export function incidentMomentsOf(
  summary: IncidentSummary,
  sources: MomentSources,
  entries: readonly HumanEntry[],
): IncidentMoments {
  const ofKind = (kind: HumanEntry['kind']) => entries.filter((entry) => entry.kind === kind);
  const reopened = sources.reopenedAt;
  const current = (entry: HumanEntry) => reopened === null || entry.at >= reopened;
  const resolvedByPerson = earliestOf(ofKind('resolved').filter(current));
  const closed = ofKind('closed')
    .filter(current)
    .reduce<HumanEntry | undefined>(
      (latest, entry) => (latest === undefined || entry.at > latest.at ? entry : latest),
      undefined,
    );
  const resolvedByAlerts = summary.status === 'resolved' ? summary.resolvedAt : null;
  return {
    startedAt: impactStartOf(summary, sources.earliestAlert, entries).at,
    detectedAt: summary.detectedAt,
    acknowledgedAt: earliestOf(ofKind('acknowledged'))?.at ?? null,
    mitigatedAt: earliestOf(ofKind('mitigated'))?.at ?? null,
    resolvedAt: resolvedByPerson?.at ?? resolvedByAlerts,
    closedAt: closed?.at ?? null,
  };
}

export function incidentDurations(moments: IncidentMoments, now: Date): IncidentDurations {
  const epoch = (date: Date | null) => (date === null ? null : date.getTime());
  return incidentDurationsOfEpochs(
    {
      startedAt: moments.startedAt.getTime(),
      detectedAt: moments.detectedAt.getTime(),
      acknowledgedAt: epoch(moments.acknowledgedAt),
      mitigatedAt: epoch(moments.mitigatedAt),
      resolvedAt: epoch(moments.resolvedAt),
    },
    now.getTime(),
  );
}

/** The moments a duration is measured between, as epoch milliseconds. */
export interface EpochMoments {
  readonly startedAt: number;
  readonly detectedAt: number;
  readonly acknowledgedAt: number | null;
  readonly mitigatedAt: number | null;
  readonly resolvedAt: number | null;
}

const secondsBetween = (from: number, to: number | null): number | null =>
  to === null ? null : Math.round((to - from) / 1000);

/** incidentDurations from epoch milliseconds: a report over many incidents builds no dates. */
export function incidentDurationsOfEpochs(moments: EpochMoments, now: number): IncidentDurations {
  return {
    timeToDetect: secondsBetween(moments.startedAt, moments.detectedAt) ?? 0,
    timeToAcknowledge: secondsBetween(moments.detectedAt, moments.acknowledgedAt),
    timeToMitigate: secondsBetween(moments.startedAt, moments.mitigatedAt),
    timeToResolve: secondsBetween(moments.startedAt, moments.resolvedAt),
    duration: secondsBetween(moments.startedAt, moments.resolvedAt ?? now) ?? 0,
  };
}
