import type { ConditionSource } from '../alert.js';
import type { IncidentAlert, IncidentEvent } from '../correlation/incident-event.js';
import type { IncidentSummary } from '../correlation/incident-summary.js';
import type { HumanEntry } from './entries.js';

/**
 * Where an incident's impact start came from: an alert's startsAt (`alert_startsAt`, nothing
 * better known), when its condition first held as ingest learned it (see ConditionSource), or
 * a person's `impact_started` entry (`person`).
 */
export const IMPACT_START_SOURCES = [
  'alert_startsAt',
  'prometheus_active',
  'prometheus_rule',
  'correlation_file',
  'person',
] as const;
export type ImpactStartSource = (typeof IMPACT_START_SOURCES)[number];

export interface ImpactStart {
  readonly at: Date;
  readonly source: ImpactStartSource;
  /** The alert whose condition began first; null when the incident has none attached yet. */
  readonly alert: IncidentAlert | null;
}

/** When an alert's impact began: when its condition first held, when known, else its startsAt. */
export function alertImpactStart(alert: IncidentAlert): {
  readonly at: Date;
  readonly source: 'alert_startsAt' | ConditionSource;
} {
  // A condition after startsAt would be another occurrence's; ingest never writes one, a foreign producer might.
  const { condition } = alert;
  if (condition !== undefined && condition.since <= alert.startsAt)
    return { at: condition.since, source: condition.source };
  return { at: alert.startsAt, source: 'alert_startsAt' };
}

/** The attached alert whose impact began first (the first attached, on a tie). */
export function earliestAlert(events: readonly IncidentEvent[]): IncidentAlert | null {
  let earliest: { alert: IncidentAlert; at: Date } | null = null;
  for (const event of events) {
    if (event.type !== 'incident.alert_attached') continue;
    const { at } = alertImpactStart(event.data.alert);
    if (earliest === null || at < earliest.at) earliest = { alert: event.data.alert, at };
  }
  return earliest?.alert ?? null;
}

/**
 * Impact start: a person's `impact_started` (the latest recorded wins: a later entry corrects an
 * earlier guess; support tickets often come before the alert), else when the condition of the
 * incident's earliest alert first held, else its startsAt.
 */
export function impactStart(
  summary: IncidentSummary,
  events: readonly IncidentEvent[],
  entries: readonly HumanEntry[],
): ImpactStart {
  return impactStartOf(summary, earliestAlert(events), entries);
}

/** impactStart, given the incident's earliest alert (earliestAlert of its events). */
export function impactStartOf(
  summary: IncidentSummary,
  alert: IncidentAlert | null,
  entries: readonly HumanEntry[],
): ImpactStart {
  const person = entries
    .filter((entry) => entry.kind === 'impact_started')
    .reduce<HumanEntry | undefined>(
      (latest, entry) => (latest === undefined || entry.recordedAt >= latest.recordedAt ? entry : latest),
      undefined,
    );
  if (person) return { at: person.at, source: 'person', alert };
  const fromAlert = alert === null ? null : alertImpactStart(alert);
  if (fromAlert === null || summary.startedAt < fromAlert.at) {
    return { at: summary.startedAt, source: 'alert_startsAt', alert };
  }
  return { ...fromAlert, alert };
}
