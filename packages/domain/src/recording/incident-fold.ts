import type { IncidentAlert, IncidentEvent } from '../correlation/incident-event.js';
import { foldIncident, type IncidentSummary } from '../correlation/incident-summary.js';
import { incidentMomentsOf, type IncidentMoments } from './durations.js';
import type { HumanEntry } from './entries.js';
import { alertImpactStart } from './impact-start.js';
import { incidentStatus, type IncidentStatus } from './incident-record.js';

/**
 * An incident's summary, and what its moments need of its events, folded one event at a time:
 * recordIncident's summary, status and moments without re-reading every event for each new one.
 * Fold the events in sequence order, from `incident.opened`.
 */
export interface IncidentFold {
  readonly summary: IncidentSummary;
  /** earliestAlert of the events so far, and its impact start. */
  readonly earliestAlert: IncidentAlert | null;
  readonly earliestAlertAt: Date | null;
  /** The last incident.reopened so far. */
  readonly reopenedAt: Date | null;
  /** The last event's occurredAt. */
  readonly lastOccurredAt: Date;
}

export function foldIncidentEvent(fold: IncidentFold | undefined, event: IncidentEvent): IncidentFold {
  const summary = foldIncident(fold?.summary, event);
  let earliestAlert = fold?.earliestAlert ?? null;
  let earliestAlertAt = fold?.earliestAlertAt ?? null;
  if (event.type === 'incident.alert_attached') {
    // Strictly earlier: on a tie the first attached stays, as earliestAlert keeps it.
    const { at } = alertImpactStart(event.data.alert);
    if (earliestAlertAt === null || at < earliestAlertAt) {
      earliestAlert = event.data.alert;
      earliestAlertAt = at;
    }
  }
  const reopenedAt = event.type === 'incident.reopened' ? event.occurredAt : (fold?.reopenedAt ?? null);
  return { summary, earliestAlert, earliestAlertAt, reopenedAt, lastOccurredAt: event.occurredAt };
}

/** What recordIncident gives for the folded events and these entries: summary, status and moments. */
export function foldedIncident(
  fold: IncidentFold,
  entries: readonly HumanEntry[],
): { readonly summary: IncidentSummary; readonly status: IncidentStatus; readonly moments: IncidentMoments } {
  const moments = incidentMomentsOf(fold.summary, fold, entries);
  return { summary: fold.summary, status: incidentStatus(fold.summary, moments), moments };
}
