import { Counter, Histogram, type Registry } from 'prom-client';
import type { BusErrorClass } from '@sitrep/bus';

export interface IngestMetrics {
  readonly alertsAccepted: Counter<'status'>;
  readonly changesAccepted: Counter;
  readonly rejected: Counter<'route' | 'code'>;
  readonly truncatedAlerts: Counter;
  readonly publishDuration: Histogram<'topic' | 'outcome'>;
  readonly publishErrors: Counter<'class'>;
}

export const PUBLISH_ERROR_CLASSES: readonly BusErrorClass[] = [
  'connection',
  'timeout',
  'not_ready',
  'protocol',
  'closed',
  'unknown',
];

export function createIngestMetrics(registry: Registry): IngestMetrics {
  const registers = [registry];
  const metrics: IngestMetrics = {
    alertsAccepted: new Counter({
      name: 'sitrep_ingest_alerts_accepted_total',
      help: 'Alerts durably published, by alert status. Re-deliveries count again.',
      labelNames: ['status'],
      registers,
    }),
    changesAccepted: new Counter({
      name: 'sitrep_ingest_changes_accepted_total',
      help: 'Change events durably published.',
      registers,
    }),
    rejected: new Counter({
      name: 'sitrep_ingest_rejected_total',
      help: 'Requests refused, by route and error code.',
      labelNames: ['route', 'code'],
      registers,
    }),
    truncatedAlerts: new Counter({
      name: 'sitrep_ingest_truncated_alerts_total',
      help: "Alerts Alertmanager left out of notifications because of the receiver's max_alerts.",
      registers,
    }),
    publishDuration: new Histogram({
      name: 'sitrep_ingest_publish_duration_seconds',
      help: 'Time from publishing a notification to the bus acknowledging every record (acks=all).',
      labelNames: ['topic', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    publishErrors: new Counter({
      name: 'sitrep_ingest_publish_errors_total',
      help: 'Failed publishes by error class.',
      labelNames: ['class'],
      registers,
    }),
  };
  // Zero series up front so dashboards and alerts see 0, not "no data", before the first error.
  for (const errorClass of PUBLISH_ERROR_CLASSES) metrics.publishErrors.inc({ class: errorClass }, 0);
  for (const status of ['firing', 'resolved']) metrics.alertsAccepted.inc({ status }, 0);
  return metrics;
}
