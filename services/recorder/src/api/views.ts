import type { IncidentDurations, IncidentMoments, IncidentRecord, TimelineEntry } from '@sitrep/domain';
import type { EntryRow, IncidentRow } from '@sitrep/store';
import type { MeasuredImpact } from '../impact/index.js';
import { statusOfRow } from '../status.js';

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

export function momentsView(moments: IncidentMoments) {
  return {
    startedAt: iso(moments.startedAt),
    detectedAt: iso(moments.detectedAt),
    acknowledgedAt: iso(moments.acknowledgedAt),
    mitigatedAt: iso(moments.mitigatedAt),
    resolvedAt: iso(moments.resolvedAt),
    closedAt: iso(moments.closedAt),
  };
}

/** One incident in a list: what a table row shows, without the timeline. */
export function incidentListItem(row: IncidentRow) {
  return {
    id: row.id,
    status: statusOfRow(row.status),
    severity: row.severity,
    services: row.services,
    ...momentsView(row),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Impact figures and where they came from (the alerts' values, or Prometheus series). */
export type ImpactFigures = MeasuredImpact;

function impactView({ impact, source, warning }: ImpactFigures) {
  return {
    source,
    ...(warning === undefined ? {} : { warning }),
    affected: impact.affected,
    signals: impact.signals.map((signal) => ({ ...signal })),
  };
}

const durationsView = (durations: IncidentDurations) => ({ ...durations });

export function incidentDetail(record: IncidentRecord, impact: ImpactFigures, waitingEvents: number) {
  const { summary } = record;
  return {
    id: summary.id,
    status: record.status,
    resolvesAt: record.status === 'resolving' ? iso(summary.resolvesAt) : null,
    severity: summary.severity,
    scope: summary.scope,
    services: summary.services,
    signals: summary.signals,
    alertCount: summary.alertCount,
    moments: momentsView(record.moments),
    /** Where moments.startedAt came from: an alert's startsAt, when its condition began, or a person. */
    impactStartSource: record.impactStart.source,
    durations: durationsView(record.durations),
    impact: impactView(impact),
    probableCause: summary.probableCause.map((hint) => ({ ...hint, since: hint.since.toISOString() })),
    changes: summary.changes.map((change) => ({ ...change, at: change.at.toISOString() })),
    lastSequence: summary.sequence,
    /** Events stored but not applied yet: one before them has not arrived. */
    waitingEvents,
    warnings:
      waitingEvents === 0
        ? []
        : [
            `${waitingEvents} later event${waitingEvents === 1 ? ' was' : 's were'} received but not applied: event ${summary.sequence + 1} has not arrived yet, so this record may be behind (the correlator's topic may be lagging, or the event was dead-lettered)`,
          ],
  };
}

export function timelineEntryView(entry: TimelineEntry) {
  return {
    id: entry.id,
    at: entry.at.toISOString(),
    kind: entry.kind,
    source: entry.source,
    text: entry.text,
    author: entry.author,
  };
}

export function entryView(entry: EntryRow) {
  return {
    id: entry.id,
    incidentId: entry.incidentId,
    kind: entry.kind,
    at: entry.at.toISOString(),
    recordedAt: entry.recordedAt.toISOString(),
    author: entry.author,
    text: entry.text,
    to: entry.to,
  };
}
