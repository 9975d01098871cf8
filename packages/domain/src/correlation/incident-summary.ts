import type { CauseHint, IncidentChange, IncidentEvent } from './incident-event.js';
import type { Severity } from './severity.js';
import type { SignalClass } from './signal.js';

/**
 * An incident's status as its events tell it: `resolving` from incident.resolving until an
 * alert attaches again (back to `open`) or incident.resolved; `resolved` until incident.reopened. The correlator's own CorrelatorIncidentStatus reaches readers only through
 * those events; the recorder's IncidentStatus adds what people recorded.
 */
export type IncidentSummaryStatus = 'open' | 'resolving' | 'resolved';

/** An incident as its events describe it: what replay prints and what the recorder starts from. */
export interface IncidentSummary {
  readonly id: string;
  readonly scope: string;
  readonly services: readonly string[];
  /** Distinct signal classes, in the order they appeared. */
  readonly signals: readonly SignalClass[];
  readonly severity: Severity;
  readonly status: IncidentSummaryStatus;
  readonly startedAt: Date;
  readonly detectedAt: Date;
  readonly resolvedAt: Date | null;
  /** While resolving: when the quiet period ends and the incident resolves, unless an alert fires. */
  readonly resolvesAt: Date | null;
  /** Distinct alert occurrences attached. */
  readonly alertCount: number;
  readonly changes: readonly IncidentChange[];
  readonly probableCause: readonly CauseHint[];
  /** Sequence number of the last event folded in. */
  readonly sequence: number;
}

/**
 * Folds one event into the incident's summary. Events must come in sequence order; the first must
 * be `incident.opened`. Pure, so any consumer rebuilds the same incident from the events alone.
 */
export function foldIncident(summary: IncidentSummary | undefined, event: IncidentEvent): IncidentSummary {
  if (summary === undefined) {
    if (event.type !== 'incident.opened') {
      throw new Error(`incident ${event.incidentId} must start with incident.opened, got ${event.type}`);
    }
    return {
      id: event.incidentId,
      scope: event.data.scope,
      services: [event.data.service],
      signals: [],
      severity: event.data.severity,
      status: 'open',
      startedAt: event.data.startedAt,
      detectedAt: event.data.detectedAt,
      resolvedAt: null,
      resolvesAt: null,
      alertCount: 0,
      changes: [],
      probableCause: [],
      sequence: event.sequence,
    };
  }
  const next = { ...summary, sequence: event.sequence };
  switch (event.type) {
    case 'incident.opened':
      return next;
    case 'incident.alert_attached': {
      const { alert } = event.data;
      return {
        ...next,
        services: summary.services.includes(alert.service) ? summary.services : [...summary.services, alert.service],
        signals: summary.signals.includes(alert.signal) ? summary.signals : [...summary.signals, alert.signal],
        startedAt: alert.startsAt < summary.startedAt ? alert.startsAt : summary.startedAt,
        alertCount: summary.alertCount + 1,
        // An alert firing during the quiet period keeps the incident open.
        ...(summary.status === 'resolving' ? { status: 'open', resolvesAt: null } : {}),
      };
    }
    case 'incident.alert_resolved':
      return next;
    case 'incident.change_attached':
      return { ...next, changes: [...summary.changes, event.data.change] };
    case 'incident.severity_changed':
      return { ...next, severity: event.data.to };
    case 'incident.cause_ranked':
      return { ...next, probableCause: event.data.hints };
    case 'incident.resolving':
      return { ...next, status: 'resolving', resolvesAt: event.data.resolvesAt };
    case 'incident.resolved':
      return { ...next, status: 'resolved', resolvedAt: event.data.resolvedAt, resolvesAt: null };
    case 'incident.reopened':
      return { ...next, status: 'open', resolvedAt: null };
    case 'incident.unrecognised':
      return next;
  }
}

/** Summaries of every incident in a stream of events, in order of opening. */
export function summariseIncidents(events: Iterable<IncidentEvent>): IncidentSummary[] {
  const byId = new Map<string, IncidentSummary>();
  for (const event of events) byId.set(event.incidentId, foldIncident(byId.get(event.incidentId), event));
  return [...byId.values()];
}
