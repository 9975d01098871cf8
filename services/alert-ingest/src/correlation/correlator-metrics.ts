import { DEAD_LETTER_REASONS } from '@sitrep/codec';
import { ALERT_END_REASONS } from '@sitrep/domain';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface CorrelatorMetrics {
  readonly records: Counter<'topic' | 'outcome'>;
  readonly deadLetters: Counter<'reason'>;
  readonly events: Counter<'type'>;
  readonly openIncidents: Gauge;
  readonly resolvingIncidents: Gauge;
  readonly alertsEnded: Counter<'reason'>;
  readonly batchDuration: Histogram;
}

/** What the gauges read from the partitions this instance owns. */
export interface CorrelatorCounts {
  openIncidents(): number;
  resolvingIncidents(): number;
}

export function createCorrelatorMetrics(registry: Registry, counts: CorrelatorCounts): CorrelatorMetrics {
  const registers = [registry];
  const metrics: CorrelatorMetrics = {
    records: new Counter({
      name: 'sitrep_correlator_records_total',
      help: 'Records read by the correlator, by topic and outcome (applied, duplicate, dead_lettered).',
      labelNames: ['topic', 'outcome'],
      registers,
    }),
    deadLetters: new Counter({
      name: 'sitrep_correlator_dead_letters_total',
      help: 'Records sent to the dead-letter topic, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    events: new Counter({
      name: 'sitrep_correlator_incident_events_total',
      help: 'Incident events published, by type.',
      labelNames: ['type'],
      registers,
    }),
    openIncidents: new Gauge({
      name: 'sitrep_correlator_open_incidents',
      help: 'Incidents that alerts can still join, on the partitions this instance owns.',
      registers,
      collect() {
        this.set(counts.openIncidents());
      },
    }),
    resolvingIncidents: new Gauge({
      name: 'sitrep_correlator_resolving_incidents',
      help: 'Incidents whose alerts have all ended, waiting out their quiet period (counted in open incidents too).',
      registers,
      collect() {
        this.set(counts.resolvingIncidents());
      },
    }),
    alertsEnded: new Counter({
      name: 'sitrep_correlator_alerts_ended_total',
      help: 'Alert occurrences ended, by how Sitrep knows: resolved, replaced, not_in_group (left its Alertmanager group), stale (lost resolution).',
      labelNames: ['reason'],
      registers,
    }),
    batchDuration: new Histogram({
      name: 'sitrep_correlator_batch_duration_seconds',
      help: 'Time to correlate one batch and durably publish its events and state.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
  };
  for (const reason of DEAD_LETTER_REASONS) metrics.deadLetters.inc({ reason }, 0);
  for (const reason of ALERT_END_REASONS) metrics.alertsEnded.inc({ reason }, 0);
  return metrics;
}
