import type { AlertEndReason, IncidentAlert, IncidentEvent } from '../correlation/incident-event.js';
import { describeSignal } from '../correlation/signal.js';
import type { HumanEntry, TimelineEntry } from './entries.js';
import { alertImpactStart, earliestAlert, type ImpactStartSource } from './impact-start.js';
import { humanDuration } from './postmortem.js';

function valueText(alert: IncidentAlert): string {
  if (alert.value === null) return '';
  if (alert.signal === 'error_rate' && alert.value <= 1)
    return `, ${(alert.value * 100).toFixed(1).replace(/\.0$/, '')}%`;
  // Prometheus values come with float noise (2.2500000000000004): four significant digits say it.
  return `, value ${Number(alert.value.toPrecision(4))}`;
}

/** Why an alert ended when Alertmanager did not say so itself. */
const END_REASON_TEXT: Readonly<Record<AlertEndReason, string>> = {
  resolved: '',
  replaced: ' (it fired again, as a new occurrence)',
  not_in_group: ": no longer in Alertmanager's group (resolved without a notification, or silenced)",
  stale: ': no notification listed it for the stale window (its resolution was lost)',
};

/** How the impact start was learned, when it is not the alert's own startsAt. */
const CONDITION_TEXT: Readonly<Record<Exclude<ImpactStartSource, 'alert_startsAt' | 'person'>, string>> = {
  prometheus_active: 'when Prometheus listed the alert pending',
  prometheus_rule: "its rule's for: in Prometheus",
  correlation_file: "its for: from the correlation file's alert_for",
};

/** The automatic impact_started entry: when the earliest alert's condition began, and how Sitrep knows. */
function impactStartedEntry(alert: IncidentAlert): TimelineEntry {
  const start = alertImpactStart(alert);
  const early = Math.round((alert.startsAt.getTime() - start.at.getTime()) / 1000);
  return {
    id: `${alert.alertId}-impact`,
    at: start.at,
    kind: 'impact_started',
    source: 'alert',
    text:
      start.source === 'alert_startsAt'
        ? `Impact began: ${alert.alertname} on ${alert.service} started`
        : `Impact began: ${alert.alertname}'s condition on ${alert.service} held, ${humanDuration(early)} before the alert fired (${CONDITION_TEXT[start.source]})`,
    author: null,
  };
}

/**
 * The entries Sitrep writes by itself. Alert entries are placed when the alert's condition
 * began or ended (startsAt/endsAt), not when the notification arrived: that is what happened to
 * users; detection is its own entry, at the first receipt.
 */
export function automaticEntries(events: readonly IncidentEvent[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  const alerts = new Map<string, IncidentAlert>();
  let topCause = '';
  for (const event of events) {
    switch (event.type) {
      case 'incident.opened':
        entries.push({
          id: `${event.id}-detected`,
          at: event.data.detectedAt,
          kind: 'detected',
          source: 'system',
          text: `Detected: Sitrep received the first alert for ${event.data.service}`,
          author: null,
        });
        break;
      case 'incident.alert_attached': {
        const { alert } = event.data;
        // The same occurrence again: Alertmanager listed it as firing after Sitrep presumed it ended.
        if (alerts.has(alert.alertId)) break;
        alerts.set(alert.alertId, alert);
        entries.push({
          id: event.id,
          at: alert.startsAt,
          kind: 'alert_fired',
          source: 'alert',
          text: `${alert.alertname} fired on ${alert.service} (${describeSignal(alert.signal)}, ${alert.severity}${valueText(alert)})`,
          author: null,
        });
        break;
      }
      case 'incident.alert_resolved': {
        const alert = alerts.get(event.data.alertId);
        const what = `${alert?.alertname ?? 'alert'} ${event.data.reason === 'resolved' ? 'resolved' : 'ended'} on ${alert?.service ?? 'its service'}`;
        entries.push({
          id: event.id,
          at: event.data.endsAt,
          kind: 'alert_resolved',
          source: 'alert',
          text: `${what}${END_REASON_TEXT[event.data.reason]}`,
          author: null,
        });
        break;
      }
      case 'incident.change_attached': {
        const { change } = event.data;
        entries.push({
          id: event.id,
          at: change.at,
          kind: 'change',
          source: 'change',
          text: `${change.kind} change on ${change.service}: ${change.summary}`,
          author: null,
        });
        break;
      }
      case 'incident.cause_ranked': {
        const top = event.data.hints[0];
        // Only when the most probable cause changes: re-rankings below it are noise at 3 AM.
        if (top && top.reason !== topCause) {
          topCause = top.reason;
          entries.push({
            id: event.id,
            at: event.occurredAt,
            kind: 'cause_ranked',
            source: 'system',
            text: `Probable cause: ${top.reason}`,
            author: null,
          });
        }
        break;
      }
      case 'incident.severity_changed':
        entries.push({
          id: event.id,
          at: event.occurredAt,
          kind: 'severity_changed',
          source: 'system',
          text: `Severity raised from ${event.data.from} to ${event.data.to}`,
          author: null,
        });
        break;
      case 'incident.resolved':
        entries.push({
          id: event.id,
          at: event.data.resolvedAt,
          kind: 'incident_resolved',
          source: 'system',
          text: 'Resolved: every alert of the incident resolved',
          author: null,
        });
        break;
      case 'incident.reopened':
        entries.push({
          id: event.id,
          at: event.occurredAt,
          kind: 'reopened',
          source: 'system',
          text: 'Reopened: an alert of the incident fired again',
          author: null,
        });
        break;
    }
  }
  const earliest = earliestAlert(events);
  if (earliest) entries.push(impactStartedEntry(earliest));
  return entries;
}

export function humanTimelineEntry(entry: HumanEntry): TimelineEntry {
  const text =
    entry.kind === 'escalated' && entry.to !== null
      ? `Escalated to ${entry.to}${entry.text === '' ? '' : `: ${entry.text}`}`
      : entry.text;
  return { id: entry.id, at: entry.at, kind: entry.kind, source: 'person', text, author: entry.author };
}

const SOURCE_ORDER: Readonly<Record<TimelineEntry['source'], number>> = { alert: 0, change: 1, system: 2, person: 3 };

/** Every entry, automatic and human, in time order; ties keep cause before effect before people. */
export function buildTimeline(events: readonly IncidentEvent[], humans: readonly HumanEntry[]): TimelineEntry[] {
  return [...automaticEntries(events), ...humans.map(humanTimelineEntry)].sort(
    (a, b) =>
      a.at.getTime() - b.at.getTime() ||
      SOURCE_ORDER[a.source] - SOURCE_ORDER[b.source] ||
      (a.kind === 'impact_started' ? -1 : b.kind === 'impact_started' ? 1 : 0),
  );
}
