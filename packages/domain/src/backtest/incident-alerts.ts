import type { AlertEndReason, IncidentEvent } from '../correlation/incident-event.js';
import type { Occurrence } from './occurrence.js';

/** An alert occurrence of an incident as its events tell it. */
export interface IncidentAlertView extends Occurrence {
  /** Occurrence id of the firing report. */
  readonly alertId: string;
  readonly alertname: string;
  readonly service: string;
  /** When the occurrence ended; null while it fires. */
  readonly endsAt: Date | null;
  /** How Sitrep knows it ended (Alertmanager resolved it, a newer one replaced it, ...); null while it fires. */
  readonly endReason: AlertEndReason | null;
}

/**
 * Every incident's alert occurrences, in order of attachment, from the incident events alone
 * (`incident.alert_attached`, then `incident.alert_resolved` for the end). Incidents come in order
 * of opening. Event types other than these two leave the alerts as they are.
 */
export function incidentAlerts(events: Iterable<IncidentEvent>): Map<string, IncidentAlertView[]> {
  const byIncident = new Map<string, Map<string, IncidentAlertView>>();
  for (const event of events) {
    let alerts = byIncident.get(event.incidentId);
    if (!alerts) {
      alerts = new Map();
      byIncident.set(event.incidentId, alerts);
    }
    if (event.type === 'incident.alert_attached') {
      const { alert } = event.data;
      const known = alerts.get(alert.alertId);
      // Attached again: listed as firing after Sitrep presumed it ended, so it fires after all.
      if (known) {
        alerts.set(alert.alertId, { ...known, endsAt: null, endReason: null });
        continue;
      }
      alerts.set(alert.alertId, {
        alertId: alert.alertId,
        fingerprint: alert.fingerprint,
        alertname: alert.alertname,
        service: alert.service,
        startsAt: alert.startsAt,
        endsAt: null,
        endReason: null,
      });
    } else if (event.type === 'incident.alert_resolved') {
      const attached = alerts.get(event.data.alertId);
      if (attached) {
        alerts.set(attached.alertId, { ...attached, endsAt: event.data.endsAt, endReason: event.data.reason });
      }
    }
  }
  return new Map([...byIncident].map(([id, alerts]) => [id, [...alerts.values()]]));
}
