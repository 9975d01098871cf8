// Incident event streams for the recorder benchmark, made by the real correlator from alerts in
// receipt order (as the alerts topic delivers them), encoded as the correlator publishes them.
import { incidentEventRecord } from '@sitrep/codec';
import type { IncidentEventRecordV1 } from '@sitrep/contracts';
import { Correlator, DEFAULT_CORRELATION_SETTINGS, type Alert, type IncidentEvent } from '@sitrep/domain';
import { domainAlert } from '@sitrep/testkit';

const DAY_MINUTES = 24 * 60;

/** Events of the correlator for about two records (firing, resolved) per alert, plus a few per incident. */
const eventsPerIncident = (alerts: number): number => 2 * alerts + 4;

/**
 * Incidents of `perIncident` alerts each, about `events` events in all: incident k is one service
 * (`svc-k`) whose instances start erroring (critical) or slowing down (warning) over five
 * minutes, one incident starting every minute, so a few dozen are open at once and their events
 * interleave on the topic; every alert resolves half an hour after it fired and each incident
 * resolves after the quiet period.
 */
export function incidentStream(perIncident: number, events: number): IncidentEventRecordV1[] {
  const incidents = Math.max(1, Math.round(events / eventsPerIncident(perIncident)));
  const inputs: Alert[] = [];
  for (let incident = 0; incident < incidents; incident += 1) {
    const service = `svc-${incident}`;
    for (let index = 0; index < perIncident; index += 1) {
      const t = incident + (index * 5) / perIncident;
      const labels =
        index % 2 === 0
          ? { alertname: 'HighErrorRate', service, severity: 'critical', instance: `${service}-${index}` }
          : { alertname: 'HighLatencyP99', service, severity: 'warning', instance: `${service}-${index}` };
      const annotations = { summary: `${labels.alertname} on ${labels.instance}`, value: '0.31' };
      inputs.push(
        domainAlert(labels, { starts: t, received: t + 0.5 }, annotations),
        domainAlert(labels, { starts: t, received: t + 30.5, ends: t + 30 }, annotations),
      );
    }
  }
  inputs.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  const correlator = new Correlator(DEFAULT_CORRELATION_SETTINGS);
  const out: IncidentEvent[] = [];
  for (const alert of inputs) out.push(...correlator.applyAlert(alert));
  const last = inputs.at(-1)?.receivedAt.getTime() ?? 0;
  out.push(...correlator.tick(new Date(last + DAY_MINUTES * 60_000)));
  return out.map(incidentEventRecord);
}

/** "n events of m incidents (a opened, b alert_attached, ...)". */
export function describeStream(records: readonly IncidentEventRecordV1[]): string {
  const incidents = new Set(records.map((record) => record.incidentId)).size;
  const types = new Map<string, number>();
  for (const record of records) types.set(record.type, (types.get(record.type) ?? 0) + 1);
  const byType = [...types].map(([type, n]) => `${n} ${type.replace('incident.', '')}`).join(', ');
  return `${records.length} events of ${incidents} incident${incidents === 1 ? '' : 's'} (${byType})`;
}
