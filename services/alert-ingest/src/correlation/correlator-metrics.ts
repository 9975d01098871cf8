import { DEAD_LETTER_REASONS } from '@sitrep/codec';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface CorrelatorMetrics {
  readonly records: Counter<'topic' | 'outcome'>;
  readonly deadLetters: Counter<'reason'>;
  readonly events: Counter<'type'>;
  readonly openIncidents: Gauge;
  readonly batchDuration: Histogram;
}

export function createCorrelatorMetrics(registry: Registry, openIncidents: () => number): CorrelatorMetrics {
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
        this.set(openIncidents());
      },
    }),
    batchDuration: new Histogram({
      name: 'sitrep_correlator_batch_duration_seconds',
      help: 'Time to correlate one batch and durably publish its events and state.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
  };
  for (const reason of DEAD_LETTER_REASONS) metrics.deadLetters.inc({ reason }, 0);
  return metrics;
}
